package dev.conveyor.storage;

/** One object in a store: its key and size in bytes. */
public record StoredObject(String key, long size) {
}
