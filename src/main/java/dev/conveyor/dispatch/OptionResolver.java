package dev.conveyor.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} in provider options from the service's own environment, so a request
 * names a credential without carrying it. Unset names are an error, never an empty string.
 */
public final class OptionResolver {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final Function<String, String> env;

    public OptionResolver(Function<String, String> env) {
        this.env = env;
    }

    public Map<String, String> resolve(Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, resolveValue(k, v)));
        return out;
    }

    private String resolveValue(String option, String value) {
        Matcher m = VAR.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String resolved = env.apply(m.group(1));
            if (resolved == null) {
                throw new IllegalArgumentException("runsOn.with." + option + " refers to ${" + m.group(1)
                        + "}, which is not set in the service's environment");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
