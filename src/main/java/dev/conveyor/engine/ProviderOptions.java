package dev.conveyor.engine;

import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.model.RunsOn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options a backend gets for a job: the profile's defaults, overridden by the request's
 * {@code runsOn.with}, with each {@code ${NAME}} resolved from the service's environment — only for
 * names the operator allow-listed (submission already rejected the others; this is the second
 * lock). Resolved values live in memory only: never persisted, logged or published; an error names
 * the option and the variable, never a value.
 */
public final class ProviderOptions {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final Profiles profiles;
    private final Set<String> allowed;
    private final Function<String, String> env;

    public ProviderOptions(Profiles profiles, Set<String> allowedVariables, Function<String, String> env) {
        this.profiles = profiles;
        this.allowed = Set.copyOf(allowedVariables);
        this.env = env;
    }

    /** The profile the job names (or {@code default}); an unknown named profile is an error, a missing default is none. */
    public Profile profile(RunsOn runsOn) {
        String name = runsOn.profile();
        return profiles.find(name).orElseGet(() -> {
            if (name != null && !name.equals(Profiles.DEFAULT)) {
                throw new TerminalComputeException("UnknownProfile", "runsOn.profile '" + name
                        + "' is not configured on this service (configured: " + profiles.names() + ")", null);
            }
            return new Profile(Profiles.DEFAULT, null, null, Map.of());
        });
    }

    public Map<String, String> resolve(RunsOn runsOn, Profile profile) {
        Map<String, String> out = new LinkedHashMap<>(profile.defaults());
        Map<String, String> with = runsOn.with() == null ? Map.of() : runsOn.with();
        with.forEach((k, v) -> out.put(k, resolveValue(k, v)));
        return out;
    }

    private String resolveValue(String option, String value) {
        Matcher m = VAR.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!allowed.contains(name)) {
                throw new TerminalComputeException("VariableNotAllowed", "runsOn.with." + option + " refers to ${" + name
                        + "}, which requests may not use on this service", null);
            }
            String resolved = env.apply(name);
            if (resolved == null) {
                throw new TerminalComputeException("VariableNotSet", "runsOn.with." + option + " refers to ${" + name
                        + "}, which is not set in the service's environment", null);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
