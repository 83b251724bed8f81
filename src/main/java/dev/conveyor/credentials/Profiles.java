package dev.conveyor.credentials;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The profiles the operator configured, by name. */
public final class Profiles {
    public static final String DEFAULT = "default";
    private final Map<String, Profile> byName;

    public Profiles(Map<String, Profile> byName) {
        this.byName = new TreeMap<>(byName);
    }

    public static Profiles none() {
        return new Profiles(Map.of());
    }

    /** The named profile ({@code default} when null), or empty when there is none by that name. */
    public Optional<Profile> find(String name) {
        return Optional.ofNullable(byName.get(name == null ? DEFAULT : name));
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }
}
