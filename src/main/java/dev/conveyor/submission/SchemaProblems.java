package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import dev.conveyor.model.Problem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.conveyor.submission.ProblemWording.arg;
import static dev.conveyor.submission.ProblemWording.joinValues;
import static dev.conveyor.submission.ProblemWording.jsonType;
import static dev.conveyor.submission.ProblemWording.show;
import static dev.conveyor.submission.ProblemWording.typeList;
import static dev.conveyor.submission.ProblemWording.withArticle;

/**
 * Rewrites one raw validator message as a {@link Problem} for a person who has not read the schema:
 * a {@link JsonPaths} path and a plain message (unknown properties suggest a close name, a schema's
 * own {@code errorMessage} is kept). Thread-safe.
 */
final class SchemaProblems {

    private final SchemaDocuments documents;

    SchemaProblems(SchemaDocuments documents) {
        this.documents = documents;
    }

    Problem toProblem(ValidationMessage m) {
        return new Problem(pathOf(m), messageOf(m));
    }

    String pathOf(ValidationMessage m) {
        String at = format(m.getInstanceLocation());
        String property = m.getProperty();
        return switch (m.getType()) {
            case "additionalProperties", "unevaluatedProperties", "required", "propertyNames", "dependentRequired" ->
                    property != null ? JsonPaths.property(at, property) : at;
            default -> at;
        };
    }

    String messageOf(ValidationMessage m) {
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
                String suggestion = NameSuggestions.closest(property, known);
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

    /** The types a {@code type} message expected, e.g. {@code [string, array]}. */
    static List<String> expectedTypes(ValidationMessage m) {
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

    private static String stripLocation(ValidationMessage m) {
        String message = m.getMessage();
        String prefix = m.getInstanceLocation() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private Set<String> knownProperties(ValidationMessage m) {
        JsonNode schemaObject = documents.nodeAt(m.getSchemaLocation(), 1);
        Set<String> names = new LinkedHashSet<>();
        if (schemaObject != null && schemaObject.path("properties").isObject()) {
            schemaObject.path("properties").fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
