package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import dev.conveyor.model.Problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static dev.conveyor.submission.ProblemWording.jsonType;
import static dev.conveyor.submission.ProblemWording.quotedList;
import static dev.conveyor.submission.ProblemWording.typeList;
import static dev.conveyor.submission.ProblemWording.withArticle;

/**
 * Turns the validator's raw messages into readable {@link Problem}s: {@code oneOf}/{@code anyOf}
 * failures are reduced to the branch that applies (or one summary), the rest are rewritten one by
 * one by {@link SchemaProblems}. Duplicates are dropped. Thread-safe.
 */
final class SchemaMessageTranslator {

    private final SchemaDocuments documents;
    private final SchemaProblems problems;

    SchemaMessageTranslator(SchemaDocuments documents) {
        this.documents = documents;
        this.problems = new SchemaProblems(documents);
    }

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

    List<Problem> translate(List<ValidationMessage> raw) {
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

        Set<Problem> result = new LinkedHashSet<>();
        for (Msg m : messages) {
            if (m.alive) {
                result.add(m.raw == null ? new Problem(m.path, m.text) : problems.toProblem(m.raw));
            }
        }
        return List.copyOf(result);
    }

    private List<Msg> rewriteCombinator(Msg combinator, List<Msg> children) {
        ValidationMessage c = combinator.raw;
        String at = SchemaProblems.format(combinator.instance);
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
                typeMismatch.forEach(m -> expectedTypes.addAll(SchemaProblems.expectedTypes(m.raw)));
            }
        }
        List<Msg> kept = new ArrayList<>();
        for (Msg m : relevant) {
            kept.add(m.raw == null ? m
                    : new Msg(combinator.evaluation, m.instance, problems.pathOf(m.raw), problems.messageOf(m.raw)));
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
        JsonNode branches = documents.nodeAt(combinator.getSchemaLocation(), 0);
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
}
