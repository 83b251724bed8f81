package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Correctness at the largest accepted size; timing is printed, not asserted. */
class JobScaleTest {

    @Test
    void aTenThousandTaskRequestValidatesAndNormalises() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode request = f.objectNode();
        request.putObject("params").put("region", "eu").putObject("limit").put("type", "int").put("default", 5);
        ArrayNode tasks = request.putArray("tasks");
        Random random = new Random(42);
        int plain = 9_990;
        for (int i = 0; i < plain; i++) {
            ObjectNode task = tasks.addObject().put("id", "t" + i);
            ArrayNode needs = f.arrayNode();
            for (int k = 0; k < 3 && i > 0; k++) {
                String need = "t" + random.nextInt(i);
                boolean present = false;
                for (JsonNode n : needs) {
                    present |= n.asText().equals(need);
                }
                if (!present) {
                    needs.add(need);
                }
            }
            if (!needs.isEmpty()) {
                task.set("needs", needs);
            }
            String read = needs.isEmpty() ? "" : " ${{ needs." + needs.get(0).asText() + ".outputs.result }}";
            task.put("command", "run --region ${{ params.region }} --limit ${{ params.limit }}" + read);
            task.putObject("env").put("REGION", "${{ params.region }}");
            task.putArray("outputs").add("out-${{ params.region }}/*");
        }
        // a matrix task with 10 cells that the last plain task's dependants fan in from
        ObjectNode matrix = tasks.addObject().put("id", "fan").put("command", "echo ${{ matrix.n }}");
        matrix.putArray("needs").add("t" + (plain - 1));
        ArrayNode values = matrix.putObject("strategy").putObject("matrix").putArray("n");
        for (int n = 0; n < 9; n++) {
            values.add(n);
        }
        tasks.addObject().put("id", "join").put("command", "true").putArray("needs").add("fan");

        RequestValidator validator = new RequestValidator(new JsonSchemas());
        for (int warm = 0; warm < Integer.getInteger("scale.warmups", 1); warm++) {
            validator.validate(request, Set.of("local"));
            new JobNormalizer().normalize(request, Instant.EPOCH, () -> "job-big");
        }
        long start = System.nanoTime();
        assertThat(validator.validate(request, Set.of("local"))).isEmpty();
        long validated = System.nanoTime();
        JobSpec job = new JobNormalizer().normalize(request, Instant.EPOCH, () -> "job-big");
        long normalised = System.nanoTime();
        System.out.printf("10000 tasks: validate %d ms, normalise %d ms%n",
                (validated - start) / 1_000_000, (normalised - validated) / 1_000_000);

        assertThat(job.tasks()).hasSize(plain + 9 + 1);
        TaskSpec t5 = job.task("t5");
        assertThat(t5.env()).containsEntry("REGION", "eu").containsEntry("CONVEYOR_T_0", "eu").containsEntry("CONVEYOR_T_1", "5");
        assertThat(t5.outputs().get(0).pattern()).isEqualTo("out-eu/*");
        assertThat(t5.outputRefs()).hasSize(1);
        assertThat(job.task("join").needs()).hasSize(9).allMatch(id -> id.startsWith("fan-"));
        assertThat(job.task("fan-8").matrix().get("n").asInt()).isEqualTo(8);
    }

    @Test
    void aLongChainWithTransitiveOutputReadsValidates() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode request = f.objectNode();
        ArrayNode tasks = request.putArray("tasks");
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            ObjectNode task = tasks.addObject().put("id", "c" + i);
            if (i > 0) {
                task.putArray("needs").add("c" + (i - 1));
            }
            // every task reads the output of the task two steps up the chain
            task.put("command", i > 1 ? "echo ${{ needs.c" + (i - 2) + ".outputs.v }}" : "true");
        }
        assertThat(new RequestValidator(new JsonSchemas()).validate(request, Set.of("local"))).isEmpty();
        assertThat(new JobNormalizer().normalize(request, Instant.EPOCH, () -> "j").task("c9999").outputRefs())
                .singleElement().satisfies(ref -> assertThat(ref.task()).isEqualTo("c9997"));
    }
}
