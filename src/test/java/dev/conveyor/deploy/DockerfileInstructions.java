package dev.conveyor.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile as its list of instructions (comments dropped, {@code \} continuations joined),
 * enough to check what the image runs, as which user, on which port, with which health check.
 */
record DockerfileInstructions(List<Instruction> instructions) {

    record Instruction(String keyword, String arguments, int line) {
        /** Exec form ({@code ["a", "b"]}) as its words; null when the shell form is used. */
        List<String> execForm() {
            String args = arguments.trim();
            if (!args.startsWith("[")) {
                return null;
            }
            try {
                List<String> words = new ArrayList<>();
                for (JsonNode word : YamlFiles.JSON.readTree(args)) {
                    words.add(word.asText());
                }
                return words;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("line " + line + ": " + keyword + " is not valid JSON: " + args, e);
            }
        }
    }

    static DockerfileInstructions parse(Path file) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = null;
        int startLine = 0;
        String[] lines = YamlFiles.read(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            if (current == null && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (current != null && trimmed.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            boolean continues = trimmed.endsWith("\\");
            String part = continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
            if (current == null) {
                current = new StringBuilder(part);
                startLine = i + 1;
            } else {
                current.append(' ').append(part);
            }
            if (!continues) {
                String text = current.toString().trim();
                int space = text.indexOf(' ');
                out.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1).trim(), startLine));
                current = null;
            }
        }
        return new DockerfileInstructions(out);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Every {@code ENV key=value} the image sets (quotes removed). */
    java.util.Map<String, String> env() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Instruction env : all("ENV")) {
            for (String pair : words(env.arguments())) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("line " + env.line() + ": use ENV key=value, not: " + pair);
                }
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    /** Splits on blanks outside double quotes and drops the quotes. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** The last instruction of a kind (the one that counts for USER, CMD, ENTRYPOINT, HEALTHCHECK). */
    Optional<Instruction> last(String keyword) {
        List<Instruction> all = all(keyword);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
