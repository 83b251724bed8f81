package dev.conveyor.emulator.aws;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Job definitions by name and revision; revisions count up per name and are never reused. */
final class JobDefinitionRegistry {

    private static final Pattern NAME_REVISION = Pattern.compile("([^:/]+):(\\d+)");

    private final Map<String, List<JobDefinition>> byName = new HashMap<>();
    private final Arns arns;

    JobDefinitionRegistry(Arns arns) {
        this.arns = arns;
    }

    synchronized JobDefinition register(String name, com.fasterxml.jackson.databind.node.ObjectNode body) {
        List<JobDefinition> revisions = byName.computeIfAbsent(name, k -> new ArrayList<>());
        int revision = revisions.size() + 1;
        JobDefinition definition = new JobDefinition(name, revision, arns.jobDefinition(name, revision), body);
        revisions.add(definition);
        return definition;
    }

    /** {@code name:revision} or an ARN; empty when unknown or malformed. */
    synchronized Optional<JobDefinition> exact(String reference) {
        String nameRevision = reference;
        if (reference.startsWith("arn:")) {
            if (!reference.startsWith("arn:aws:batch:" + arns.region() + ":" + arns.accountId() + ":job-definition/")) {
                return Optional.empty();
            }
            nameRevision = Arns.resourceName(reference);
        }
        Matcher m = NAME_REVISION.matcher(nameRevision);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<JobDefinition> revisions = byName.getOrDefault(m.group(1), List.of());
        int revision = Integer.parseInt(m.group(2));
        return revision >= 1 && revision <= revisions.size() ? Optional.of(revisions.get(revision - 1)) : Optional.empty();
    }

    /** The latest ACTIVE revision of {@code name}. */
    synchronized Optional<JobDefinition> latestActive(String name) {
        List<JobDefinition> revisions = byName.getOrDefault(name, List.of());
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (revisions.get(i).active()) {
                return Optional.of(revisions.get(i));
            }
        }
        return Optional.empty();
    }

    synchronized List<JobDefinition> revisions(String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    synchronized List<JobDefinition> all() {
        List<JobDefinition> out = new ArrayList<>();
        byName.values().forEach(out::addAll);
        out.sort(Comparator.comparing(JobDefinition::key));
        return out;
    }
}
