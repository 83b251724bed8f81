package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.submission.DdeutilWorkflowTranslator;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The param names a request declares, so that a misspelt {@code --param} is refused instead of
 * quietly adding a param nothing reads. A Conveyor request declares them under {@code params}; a
 * ddeutil-workflow file under its workflow's {@code params}, where {@code run-date} may also be
 * given as {@code run_date} (the name its tasks see).
 */
final class DeclaredParams {
    private final Set<String> names;
    private final boolean ddeutil;

    private DeclaredParams(Set<String> names, boolean ddeutil) {
        this.names = names;
        this.ddeutil = ddeutil;
    }

    static DeclaredParams of(ObjectNode request) {
        boolean ddeutil = DdeutilWorkflowTranslator.isWorkflow(request);
        JsonNode params = (ddeutil ? workflowBody(request) : request).get("params");
        Set<String> names = new LinkedHashSet<>();
        if (params != null && params.isObject()) {
            params.fieldNames().forEachRemaining(names::add);
        }
        return new DeclaredParams(names, ddeutil);
    }

    /** The flat form is the document itself; the config form {@code name: {type: Workflow, …}} is its one value. */
    private static JsonNode workflowBody(ObjectNode document) {
        if (document.path("jobs").isObject()) {
            return document;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            // The translator's own rule, asked of each top-level entry alone.
            ObjectNode alone = JsonNodeFactory.instance.objectNode();
            alone.set(field.getKey(), field.getValue());
            if (DdeutilWorkflowTranslator.isWorkflow(alone)) {
                return field.getValue();
            }
        }
        return document;
    }

    /** @throws CliException (exit code 2) naming the first given name the request does not declare */
    void check(Collection<String> given) {
        for (String name : given) {
            if (!declares(name)) {
                throw CliException.badInput(undeclared(name));
            }
        }
    }

    boolean declares(String name) {
        return names.contains(name) || ddeutil && names.stream().anyMatch(n -> n.replace('-', '_').equals(name));
    }

    private String undeclared(String name) {
        if (names.isEmpty()) {
            return "--param " + name + ": the request declares no params (add it under "
                    + (ddeutil ? "the workflow's " : "") + "params: to use it)";
        }
        String nearest = Nearest.of(name, names);
        return "--param " + name + ": the request declares no param '" + name + "'"
                + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " Declared: " + String.join(", ", names);
    }

    /** The declared name closest to a misspelt one (edit distance at most 2, 1 for short names). */
    static final class Nearest {
        private Nearest() {
        }

        static String of(String name, Collection<String> known) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String candidate : known) {
                int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    best = candidate;
                    bestDistance = d;
                }
            }
            return bestDistance <= (name.length() <= 3 ? 1 : 2) ? best : null;
        }

        /** Levenshtein distance. */
        static int distance(String a, String b) {
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
    }
}
