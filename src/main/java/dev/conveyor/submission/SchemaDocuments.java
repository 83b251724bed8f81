package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.SchemaLocation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static dev.conveyor.submission.JsonSchemas.CLASSPATH_FOLDER;
import static dev.conveyor.submission.JsonSchemas.ID_PREFIX;

/**
 * The raw (parsed, not compiled) schema documents of {@link JsonSchemas}, loaded once each from the
 * classpath folder {@value JsonSchemas#CLASSPATH_FOLDER} and cached; also finds the schema node a
 * validation message points at. Thread-safe.
 */
final class SchemaDocuments {

    private static final String SUFFIX = ".schema.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ClassLoader classLoader;
    private final ConcurrentMap<String, JsonNode> documents = new ConcurrentHashMap<>();

    SchemaDocuments(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader);
    }

    /** The parsed schema document {@code schemas/<schemaName>.schema.json} (shared: do not modify). */
    JsonNode document(String schemaName) {
        return documents.computeIfAbsent(fileName(schemaName), this::loadDocument);
    }

    /** The schema's file name inside the classpath folder, e.g. {@code job-request.schema.json}. */
    static String fileName(String schemaName) {
        Objects.requireNonNull(schemaName, "schemaName");
        String name = schemaName.startsWith(CLASSPATH_FOLDER) ? schemaName.substring(CLASSPATH_FOLDER.length()) : schemaName;
        return name.endsWith(".json") ? name : name + SUFFIX;
    }

    /**
     * The raw schema node at {@code location} with the last {@code dropLast} fragment elements left
     * off, or null when it cannot be found.
     */
    JsonNode nodeAt(SchemaLocation location, int dropLast) {
        if (location == null || location.getAbsoluteIri() == null) {
            return null;
        }
        String iri = location.getAbsoluteIri().toString();
        JsonNode node = null;
        if (iri.startsWith(ID_PREFIX)) {
            try {
                node = document(iri.substring(ID_PREFIX.length()));
            } catch (RuntimeException e) {
                return null;
            }
        } else if (iri.startsWith("classpath:" + CLASSPATH_FOLDER)) {
            node = document(iri.substring(("classpath:" + CLASSPATH_FOLDER).length()));
        }
        JsonNodePath fragment = location.getFragment();
        if (node == null || fragment == null) {
            return null;
        }
        for (int i = 0; i < fragment.getNameCount() - dropLast && node != null; i++) {
            Object element = fragment.getElement(i);
            node = element instanceof Integer index ? node.get(index) : node.get(String.valueOf(element));
        }
        return node;
    }

    private JsonNode loadDocument(String file) {
        String resource = CLASSPATH_FOLDER + file;
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no JSON Schema '" + file + "' on the classpath (looked for " + resource + ")");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }
}
