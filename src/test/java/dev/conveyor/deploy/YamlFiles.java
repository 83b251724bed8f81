package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads YAML the way Docker Compose and kubectl do, anchors and {@code <<} merge keys included
 * (SnakeYAML; Jackson's YAML parser keeps {@code <<} as a plain key), into Jackson trees.
 */
final class YamlFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    private YamlFiles() {
    }

    /** Every document of a (multi-document) YAML text; empty documents are left out. */
    static List<JsonNode> documents(String yaml, String source) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(yaml)) {
                if (doc != null) {
                    out.add(JSON.valueToTree(doc));
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        return out;
    }

    static List<JsonNode> documents(Path file) {
        return documents(read(file), file.toString());
    }

    /** The only document of {@code file}, which must be a mapping. */
    static ObjectNode document(Path file) {
        List<JsonNode> docs = documents(file);
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw new IllegalArgumentException(file + ": expected one YAML mapping, found " + docs.size() + " document(s)");
        }
        return (ObjectNode) docs.get(0);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
