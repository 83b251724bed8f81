package dev.conveyor.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Problem;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.RequestValidator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Builds normalised jobs from request text (YAML or JSON) exactly as submission does — checked first. */
public final class Jobs {
    private static final JsonSchemas SCHEMAS = new JsonSchemas();

    private Jobs() {
    }

    public static JobSpec of(String id, String yaml) {
        try {
            ObjectNode request = new RequestReader().read(yaml.getBytes(StandardCharsets.UTF_8));
            request.put("id", id);
            List<Problem> problems = new RequestValidator(SCHEMAS).validate(request, Set.of("local", "noop", "azure-batch", "aws-batch"));
            if (!problems.isEmpty()) {
                throw new AssertionError("test job " + id + " is not a valid request: " + problems);
            }
            return new JobNormalizer().normalize(request, Instant.now(), () -> id);
        } catch (dev.conveyor.submission.UnreadableRequestException e) {
            throw new AssertionError(e);
        }
    }
}
