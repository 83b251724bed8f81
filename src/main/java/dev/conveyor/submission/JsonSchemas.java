package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.conveyor.model.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

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
 */
public final class JsonSchemas {

    /** {@code $id} prefix of the project's schemas; mapped to the classpath folder {@value #CLASSPATH_FOLDER}. */
    public static final String ID_PREFIX = "https://conveyor.dev/schemas/";
    public static final String CLASSPATH_FOLDER = "schemas/";
    private static final String SUFFIX = ".schema.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ClassLoader classLoader;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final ConcurrentMap<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, JsonNode> documents = new ConcurrentHashMap<>();

    public JsonSchemas() {
        this(JsonSchemas.class.getClassLoader());
    }

    public JsonSchemas(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader);
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
        List<Problem> problems = new ArrayList<>(translate(new ArrayList<>(raw)));
        problems.sort(Comparator.comparing(Problem::path, JsonPaths.documentOrder(node)));
        return List.copyOf(problems);
    }

    /** The parsed schema document {@code schemas/<schemaName>.schema.json} (shared: do not modify). */
    public JsonNode document(String schemaName) {
        return documents.computeIfAbsent(fileName(schemaName), this::loadDocument);
    }

    /** Loads (once) and returns the compiled schema; call at startup to fail fast on a broken schema. */
    public JsonSchema schema(String schemaName) {
        String file = fileName(schemaName);
        return schemas.computeIfAbsent(file, f -> {
            JsonNode document = document(f);
            String id = document.path("$id").asText("");
            SchemaLocation location = SchemaLocation.of(id.isEmpty() ? "classpath:" + CLASSPATH_FOLDER + f : id);
            JsonSchema schema = factory.getSchema(location, document, config);
            schema.initializeValidators();
            return schema;
        });
    }

    private static String fileName(String schemaName) {
        Objects.requireNonNull(schemaName, "schemaName");
        String name = schemaName.startsWith(CLASSPATH_FOLDER) ? schemaName.substring(CLASSPATH_FOLDER.length()) : schemaName;
        return name.endsWith(".json") ? name : name + SUFFIX;
    }

    private JsonNode loadDocument(String file) {
        String resource = CLASSPATH_FOLDER + file;
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no JSON Schema '" + file + "' on the classpath (looked for " + resource + ")");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /** The raw schema node a validation message comes from, or null when it cannot be found. */
    private JsonNode schemaNodeAt(SchemaLocation location, int dropLast) {
        if (location == null || location.getAbsoluteIri() == null) {
            return null;
        }
        String iri = location.getAbsoluteIri().toString();
        JsonNode node = null;
        if (iri.startsWith(ID_PREFIX)) {
            try {
                node = document(iri.substring(ID_PREFIX.length()));
            } catch (RuntimeException e) {
                return null;
            }
        } else if (iri.startsWith("classpath:" + CLASSPATH_FOLDER)) {
            node = document(iri.substring(("classpath:" + CLASSPATH_FOLDER).length()));
        }
        JsonNodePath fragment = location.getFragment();
        if (node == null || fragment == null) {
            return null;
        }
        for (int i = 0; i < fragment.getNameCount() - dropLast && node != null; i++) {
            Object element = fragment.getElement(i);
            node = element instanceof Integer index ? node.get(index) : node.get(String.valueOf(element));
        }
        return node;
    }

    // ---- translation of the validator's messages into Problems ---------------------------------

    /** One message being translated: either a raw validator message or a rewritten one. */
    private static final class Msg {
        final String type;
        final JsonNodePath instance;
        final String evaluation;
        final ValidationMessage raw;
        final String path;
        final String text;
        boolean alive = true;

        Msg(ValidationMessage raw) {
            this.type = raw.getType();
            this.instance = raw.getInstanceLocation();
            this.evaluation = String.valueOf(raw.getEvaluationPath());
            this.raw = raw;
            this.path = null;
            this.text = null;
        }

        Msg(String evaluation, JsonNodePath instance, String path, String text) {
            this.type = "rewritten";
            this.instance = instance;
            this.evaluation = evaluation;
            this.raw = null;
            this.path = path;
            this.text = text;
        }

        boolean isCombinator() {
            return raw != null && ("oneOf".equals(type) || "anyOf".equals(type));
        }

        boolean isChildOf(Msg combinator) {
            return this != combinator
                    && evaluation.startsWith(combinator.evaluation + "[")
                    && instance.startsWith(combinator.instance);
        }

        int branchIn(Msg combinator) {
            int start = combinator.evaluation.length() + 1;
            int end = evaluation.indexOf(']', start);
            try {
                return Integer.parseInt(evaluation.substring(start, end));
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }

    private List<Problem> translate(List<ValidationMessage> raw) {
        List<Msg> messages = new ArrayList<>();
        raw.forEach(m -> messages.add(new Msg(m)));

        // innermost combinators first, so that their rewritten messages take part in outer ones
        List<Msg> combinators = messages.stream().filter(Msg::isCombinator)
                .sorted(Comparator.comparingInt((Msg m) -> m.evaluation.length()).reversed())
                .toList();
        for (Msg combinator : combinators) {
            List<Msg> children = messages.stream().filter(m -> m.alive && m.isChildOf(combinator)).toList();
            List<Msg> replacement = rewriteCombinator(combinator, children);
            combinator.alive = false;
            children.forEach(c -> c.alive = false);
            messages.addAll(replacement);
        }

        Set<Problem> problems = new LinkedHashSet<>();
        for (Msg m : messages) {
            if (m.alive) {
                problems.add(m.raw == null ? new Problem(m.path, m.text) : toProblem(m.raw));
            }
        }
        return List.copyOf(problems);
    }

    private List<Msg> rewriteCombinator(Msg combinator, List<Msg> children) {
        ValidationMessage c = combinator.raw;
        String at = format(combinator.instance);
        JsonNode instance = c.getInstanceNode();
        boolean severalMatch = c.getMessageKey() != null && c.getMessageKey().endsWith(".indexes");

        List<String> requiredOnly = requiredOnlyBranches(c);
        if (requiredOnly != null) {
            String choices = quotedList(requiredOnly, "or");
            if (severalMatch) {
                List<String> present = requiredOnly.stream().filter(n -> instance != null && instance.has(n)).toList();
                String second = present.size() > 1 ? present.get(1) : requiredOnly.get(requiredOnly.size() - 1);
                return List.of(new Msg(combinator.evaluation, combinator.instance, JsonPaths.property(at, second),
                        "only one of " + choices + " may be set, not " + (present.size() == 2 ? "both" : quotedList(present, "and"))));
            }
            return List.of(new Msg(combinator.evaluation, combinator.instance, JsonPaths.property(at, requiredOnly.get(0)),
                    "is missing: set one of " + choices));
        }
        if (severalMatch) {
            return List.of(new Msg(combinator.evaluation, combinator.instance, at,
                    "is ambiguous: it matches more than one of the allowed forms"));
        }
        // branches whose type does not even match the value are irrelevant: keep the others' problems
        TreeMap<Integer, List<Msg>> branches = new TreeMap<>();
        children.forEach(m -> branches.computeIfAbsent(m.branchIn(combinator), k -> new ArrayList<>()).add(m));
        Set<String> expectedTypes = new LinkedHashSet<>();
        List<Msg> relevant = new ArrayList<>();
        for (List<Msg> branch : branches.values()) {
            List<Msg> typeMismatch = branch.stream()
                    .filter(m -> m.raw != null && "type".equals(m.type) && m.instance.equals(combinator.instance))
                    .toList();
            if (typeMismatch.isEmpty()) {
                relevant.addAll(branch);
            } else {
                typeMismatch.forEach(m -> expectedTypes.addAll(expectedTypes(m.raw)));
            }
        }
        List<Msg> kept = new ArrayList<>();
        for (Msg m : relevant) {
            kept.add(m.raw == null ? m : new Msg(combinator.evaluation, m.instance, pathOf(m.raw), messageOf(m.raw)));
        }
        if (!kept.isEmpty()) {
            return kept;
        }
        if (!expectedTypes.isEmpty()) {
            return List.of(new Msg(combinator.evaluation, combinator.instance, at,
                    "must be " + typeList(expectedTypes) + ", got " + withArticle(jsonType(instance))));
        }
        return List.of(new Msg(combinator.evaluation, combinator.instance, at, "does not match any of the allowed forms"));
    }

    /** If every branch of the oneOf/anyOf is just {@code {"required": [name]}}, the names; else null. */
    private List<String> requiredOnlyBranches(ValidationMessage combinator) {
        JsonNode branches = schemaNodeAt(combinator.getSchemaLocation(), 0);
        if (branches == null || !branches.isArray() || branches.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode branch : branches) {
            JsonNode required = branch.get("required");
            if (branch.size() != 1 || required == null || !required.isArray() || required.size() != 1) {
                return null;
            }
            names.add(required.get(0).asText());
        }
        return names;
    }

    private Problem toProblem(ValidationMessage m) {
        return new Problem(pathOf(m), messageOf(m));
    }

    private String pathOf(ValidationMessage m) {
        String at = format(m.getInstanceLocation());
        String property = m.getProperty();
        return switch (m.getType()) {
            case "additionalProperties", "unevaluatedProperties", "required", "propertyNames", "dependentRequired" ->
                    property != null ? JsonPaths.property(at, property) : at;
            default -> at;
        };
    }

    private String messageOf(ValidationMessage m) {
        Object[] args = m.getArguments() == null ? new Object[0] : m.getArguments();
        JsonNode value = m.getInstanceNode();
        String type = m.getType();
        boolean custom = m.getMessageKey() != null && !m.getMessageKey().equals(type)
                && !m.getMessageKey().startsWith(type + ".");
        if (custom) {
            return m.getMessage();
        }
        switch (type) {
            case "additionalProperties", "unevaluatedProperties": {
                String property = m.getProperty();
                if (property == null) {
                    break;
                }
                Set<String> known = knownProperties(m);
                String suggestion = closest(property, known);
                if (suggestion != null) {
                    return "unknown property '" + property + "': did you mean '" + suggestion + "'?";
                }
                if (!known.isEmpty()) {
                    return "unknown property '" + property + "' (allowed here: " + String.join(", ", known) + ")";
                }
                return "unknown property '" + property + "'";
            }
            case "required":
                return "is required but missing";
            case "propertyNames": {
                String reason = args.length > 1 ? String.valueOf(args[1]) : "is not allowed";
                return "'" + m.getProperty() + "' is not an allowed name: " + reason;
            }
            case "type":
                return "must be " + typeList(expectedTypes(m)) + ", got " + withArticle(jsonType(value));
            case "enum": {
                JsonNode schemaNode = m.getSchemaNode();
                String allowed = schemaNode != null && schemaNode.isArray()
                        ? joinValues(schemaNode) : String.valueOf(args.length > 0 ? args[0] : "");
                return "must be one of " + allowed + ", got " + show(value);
            }
            case "const":
                return "must be " + (m.getSchemaNode() != null ? show(m.getSchemaNode()) : String.valueOf(args[0]))
                        + ", got " + show(value);
            case "pattern":
                return show(value) + " does not have the expected form (pattern " + arg(args, 0) + ")";
            case "minimum":
                return "must be at least " + arg(args, 0) + ", got " + show(value);
            case "maximum":
                return "must be at most " + arg(args, 0) + ", got " + show(value);
            case "exclusiveMinimum":
                return "must be greater than " + arg(args, 0) + ", got " + show(value);
            case "exclusiveMaximum":
                return "must be less than " + arg(args, 0) + ", got " + show(value);
            case "minLength":
                return "1".equals(arg(args, 0)) ? "must not be empty"
                        : "must be at least " + arg(args, 0) + " characters long";
            case "maxLength":
                return "must be at most " + arg(args, 0) + " characters long";
            case "minItems":
                return "must have at least " + arg(args, 0) + " item" + ("1".equals(arg(args, 0)) ? "" : "s")
                        + (value != null && value.isArray() ? ", got " + value.size() : "");
            case "maxItems":
                return "must have at most " + arg(args, 0) + " items"
                        + (value != null && value.isArray() ? ", got " + value.size() : "");
            case "minProperties":
                return "must have at least " + arg(args, 0) + " properties";
            case "maxProperties":
                return "must have at most " + arg(args, 0) + " properties";
            case "uniqueItems":
                return "must not contain the same value twice";
            case "format":
                return show(value) + " is not a valid " + arg(args, 0);
            default:
                break;
        }
        return stripLocation(m);
    }

    private static String stripLocation(ValidationMessage m) {
        String message = m.getMessage();
        String prefix = m.getInstanceLocation() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private Set<String> knownProperties(ValidationMessage m) {
        JsonNode schemaObject = schemaNodeAt(m.getSchemaLocation(), 1);
        Set<String> names = new LinkedHashSet<>();
        if (schemaObject != null && schemaObject.path("properties").isObject()) {
            schemaObject.path("properties").fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** The known name closest to {@code name} (case-insensitive edit distance ≤ 2), or null. */
    static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int limit = name.length() <= 3 ? 1 : 2;
        return bestDistance <= limit ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static List<String> expectedTypes(ValidationMessage m) {
        Object[] args = m.getArguments();
        if (args == null || args.length < 2) {
            return List.of();
        }
        String expected = String.valueOf(args[1]).replace("[", "").replace("]", "").replace("\"", "");
        List<String> types = new ArrayList<>();
        for (String t : expected.split(",")) {
            if (!t.isBlank()) {
                types.add(t.trim());
            }
        }
        return types;
    }

    private static String typeList(Iterable<String> types) {
        List<String> withArticles = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String t : types) {
            if (seen.add(t)) {
                withArticles.add(withArticle(t));
            }
        }
        return join(withArticles, "or");
    }

    private static String withArticle(String type) {
        String t = "array".equals(type) ? "array (list)" : "object".equals(type) ? "object (map)" : type;
        return (t.startsWith("a") || t.startsWith("i") || t.startsWith("o") ? "an " : "a ") + t;
    }

    private static String jsonType(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        } else if (node.isTextual()) {
            return "string";
        } else if (node.isIntegralNumber()) {
            return "integer";
        } else if (node.isNumber()) {
            return "number";
        } else if (node.isBoolean()) {
            return "boolean";
        } else if (node.isArray()) {
            return "array";
        }
        return "object";
    }

    private static String quotedList(List<String> names, String conjunction) {
        return join(names.stream().map(n -> "'" + n + "'").toList(), conjunction);
    }

    private static String join(List<String> items, String conjunction) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " " + items.get(items.size() - 1);
    }

    private static String joinValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        return values.stream().collect(Collectors.joining(", "));
    }

    private static String show(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        String text = value.isTextual() ? "'" + value.asText() + "'" : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "...'" : text;
    }

    private static String arg(Object[] args, int i) {
        return args.length > i ? String.valueOf(args[i]) : "?";
    }

    /** Formats a validator path with {@link JsonPaths}, so every problem uses the same notation. */
    static String format(JsonNodePath path) {
        String result = JsonPaths.ROOT;
        if (path == null) {
            return result;
        }
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            result = element instanceof Integer index ? JsonPaths.index(result, index)
                    : JsonPaths.property(result, String.valueOf(element));
        }
        return result;
    }
}
