package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.submission.DdeutilWorkflowTranslator;
import dev.conveyor.submission.NameSuggestions;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
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
        String nearest = NameSuggestions.closest(name, names);
        return "--param " + name + ": the request declares no param '" + name + "'"
                + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " Declared: " + String.join(", ", names);
    }
}
