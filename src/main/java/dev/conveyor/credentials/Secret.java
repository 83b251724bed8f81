package dev.conveyor.credentials;

import java.util.Objects;

/**
 * A credential value (account key, client secret, secret access key). It never prints itself:
 * {@link #toString()} is a fixed mask, so a secret that reaches a log line, an exception message or
 * a record's text shows as {@code ****}. Only the code that signs a request calls {@link #reveal()}.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** Null and blank stay null: an unset secret is absent, not empty. */
    public static Secret of(String value) {
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
