package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.Construct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads request text as a single YAML document (YAML 1.2 core scalar rules, safe tags only) and
 * turns it into a JSON tree, with limits on aliases, depth, size and the number of values.
 */
final class YamlRequestReader {

    private static final int MAX_YAML_ALIASES = 100;

    private final int maxBytes;
    private final int maxDepth;
    private final int maxNodes;

    YamlRequestReader(int maxBytes, int maxDepth, int maxNodes) {
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
    }

    /**
     * @throws UnreadableRequestException for content JSON cannot hold or that breaks a limit
     * @throws YAMLException              when the text is not YAML
     */
    JsonNode read(String text) throws UnreadableRequestException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_YAML_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(maxDepth);
        options.setCodePointLimit(maxBytes);
        // only standard tags: no custom classes (SafeConstructor already refuses them)
        options.setTagInspector(tag -> false);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new DecimalConstructor(options), new Representer(dumper), dumper, options,
                new CoreSchemaResolver());
        Iterator<Object> documents = yaml.loadAll(text).iterator();
        Object first = documents.hasNext() ? documents.next() : null;
        while (documents.hasNext()) {
            if (documents.next() != null) {
                throw new UnreadableRequestException("the YAML contains several documents (separated by '---'); "
                        + "publish one request per message");
            }
        }
        if (first == null) {
            throw new UnreadableRequestException("the request is empty (a YAML document with no content)");
        }
        int[] budget = {maxNodes};
        return toJson(first, budget, 0);
    }

    /** The error's problem and context with its line and column, when known. */
    static String describe(YAMLException e) {
        if (e instanceof MarkedYAMLException marked) {
            StringBuilder sb = new StringBuilder();
            if (marked.getContext() != null) {
                sb.append(marked.getContext()).append(": ");
            }
            sb.append(marked.getProblem() != null ? marked.getProblem() : marked.getMessage());
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            if (mark != null) {
                sb.append(" (line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1).append(')');
            }
            return sb.toString();
        }
        return e.getMessage();
    }

    private JsonNode toJson(Object value, int[] budget, int depth) throws UnreadableRequestException {
        if (--budget[0] < 0) {
            throw new UnreadableRequestException("the request is too large: more than " + maxNodes
                    + " values (are YAML aliases repeating big parts?)");
        }
        if (depth > maxDepth) {
            throw new UnreadableRequestException("the request is nested too deeply (more than " + maxDepth + " levels)");
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        } else if (value instanceof String s) {
            return f.textNode(s);
        } else if (value instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (value instanceof Integer i) {
            return f.numberNode(i);
        } else if (value instanceof Long l) {
            return f.numberNode(l);
        } else if (value instanceof BigInteger bi) {
            return f.numberNode(bi);
        } else if (value instanceof Double d) {
            // non-finite (an explicit !!float .inf): kept, so validation rejects it at its path
            return d.isNaN() || d.isInfinite() ? f.numberNode(d) : f.numberNode(BigDecimal.valueOf(d));
        } else if (value instanceof Number number) {
            return f.numberNode(new BigDecimal(number.toString()));
        } else if (value instanceof byte[] binary) {
            return f.textNode(Base64.getEncoder().encodeToString(binary));
        } else if (value instanceof Date date) {
            return f.textNode(date.toInstant().toString());
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = f.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set(String.valueOf(e.getKey()), toJson(e.getValue(), budget, depth + 1));
            }
            return object;
        } else if (value instanceof Collection<?> collection) {
            ArrayNode array = f.arrayNode();
            for (Object item : collection) {
                array.add(toJson(item, budget, depth + 1));
            }
            return array;
        } else if (value instanceof Object[] items) {
            ArrayNode array = f.arrayNode();
            for (Object item : items) {
                array.add(toJson(item, budget, depth + 1));
            }
            return array;
        }
        return f.textNode(String.valueOf(value));
    }

    /**
     * Safe construction with floats read as {@link BigDecimal}s, as the JSON reader does: a float
     * keeps its digits, and one beyond a double ({@code 1e999999}) stays a number that validation
     * reports at its path instead of becoming Infinity.
     */
    private static final class DecimalConstructor extends SafeConstructor {
        DecimalConstructor(LoaderOptions options) {
            super(options);
            Construct doubles = yamlConstructors.get(Tag.FLOAT);
            yamlConstructors.put(Tag.FLOAT, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    try {
                        return new BigDecimal(constructScalar((ScalarNode) node));
                    } catch (NumberFormatException notDecimal) {
                        return doubles.construct(node); // .inf, .nan, 1_000.5 …
                    }
                }
            });
        }
    }

    /**
     * YAML 1.2 core schema scalars: only true/false are booleans, only null/~/empty is null, integers
     * have no leading zeros (so {@code 0123} stays a string), no timestamps.
     */
    private static final class CoreSchemaResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
            addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?(?:0|[1-9][0-9]*))$"), "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile(
                    "^(?:[-+]?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$"), "-+0123456789");
            addImplicitResolver(Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| *)$"), "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
