package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.conveyor.model.Problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The project's published JSON Schemas (2020-12), loaded once from the classpath folder
 * {@code schemas/} ({@code schemas/<name>.schema.json}) and cached. Thread-safe: share one instance.
 *
 * <p>{@link #validate} returns every problem as a {@link Problem} whose path is a JSON path such as
 * {@code $.tasks[1].needs[0]} (see {@link JsonPaths}) and whose message is written for a person who
 * has not read the schema: the validator's raw output is rewritten (unknown properties name the
 * property and suggest a close one, {@code oneOf} failures are reduced to the branch that applies,
 * a schema's own {@code errorMessage} for {@code pattern} is used when it has one).
 *
 * <p>A schema may {@code $ref} another one by its {@code $id}
 * ({@value #ID_PREFIX}{@code <name>.schema.json}); it is loaded from the same classpath folder.
 *
 * <p>The raw documents are kept by {@link SchemaDocuments}; the rewriting of messages is done by
 * {@link SchemaMessageTranslator} and {@link SchemaProblems}.
 */
public final class JsonSchemas {

    /** {@code $id} prefix of the project's schemas; mapped to the classpath folder {@value #CLASSPATH_FOLDER}. */
    public static final String ID_PREFIX = "https://conveyor.dev/schemas/";
    public static final String CLASSPATH_FOLDER = "schemas/";

    private final SchemaDocuments documents;
    private final SchemaMessageTranslator translator;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final ConcurrentMap<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    public JsonSchemas() {
        this(JsonSchemas.class.getClassLoader());
    }

    public JsonSchemas(ClassLoader classLoader) {
        this.documents = new SchemaDocuments(classLoader);
        this.translator = new SchemaMessageTranslator(documents);
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(m -> m.mapPrefix(ID_PREFIX, "classpath:" + CLASSPATH_FOLDER)));
        this.config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .errorMessageKeyword("errorMessage")
                .formatAssertionsEnabled(true)
                .locale(Locale.ENGLISH)
                .build();
    }

    /**
     * Validates {@code node} against {@code schemas/<schemaName>.schema.json}.
     *
     * @param schemaName e.g. {@code job-request} (the file name {@code job-request.schema.json} works too)
     * @return every problem found, in document order (see {@link JsonPaths#documentOrder}), no duplicates;
     *         empty = valid
     * @throws IllegalArgumentException if there is no such schema on the classpath
     */
    public List<Problem> validate(String schemaName, JsonNode node) {
        JsonSchema schema = schema(schemaName);
        Set<ValidationMessage> raw = schema.validate(node);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<Problem> problems = new ArrayList<>(translator.translate(new ArrayList<>(raw)));
        problems.sort(Comparator.comparing(Problem::path, JsonPaths.documentOrder(node)));
        return List.copyOf(problems);
    }

    /** The parsed schema document {@code schemas/<schemaName>.schema.json} (shared: do not modify). */
    public JsonNode document(String schemaName) {
        return documents.document(schemaName);
    }

    /** Loads (once) and returns the compiled schema; call at startup to fail fast on a broken schema. */
    public JsonSchema schema(String schemaName) {
        String file = SchemaDocuments.fileName(schemaName);
        return schemas.computeIfAbsent(file, f -> {
            JsonNode document = document(f);
            String id = document.path("$id").asText("");
            SchemaLocation location = SchemaLocation.of(id.isEmpty() ? "classpath:" + CLASSPATH_FOLDER + f : id);
            JsonSchema schema = factory.getSchema(location, document, config);
            schema.initializeValidators();
            return schema;
        });
    }
}
