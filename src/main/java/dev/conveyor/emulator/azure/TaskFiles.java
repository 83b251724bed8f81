package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** resourceFiles before a task runs and outputFiles after it, against blob storage SAS URLs. */
final class TaskFiles {
    private final BlobTransfer blobs;

    TaskFiles(BlobTransfer blobs) {
        this.blobs = blobs;
    }

    /** Downloads every resource file into the working directory {@code wd}. */
    void download(JsonNode resourceFiles, Path wd) throws IOException {
        for (JsonNode rf : resourceFiles) {
            String filePath = Json.text(rf, "filePath");
            String httpUrl = Json.text(rf, "httpUrl");
            String containerUrl = Json.text(rf, "storageContainerUrl");
            List<Path> written = new ArrayList<>();
            if (httpUrl != null) {
                if (filePath == null) throw new IOException("filePath is required with httpUrl");
                Path target = inside(wd, filePath);
                blobs.download(httpUrl, target);
                written.add(target);
            } else if (containerUrl != null) {
                Path dir = filePath == null ? wd : inside(wd, filePath);
                for (String name : blobs.list(containerUrl, Json.text(rf, "blobPrefix"))) {
                    Path target = inside(dir, name);
                    blobs.download(BlobTransfer.blobUrl(containerUrl, name), target);
                    written.add(target);
                }
            } else {
                throw new IOException("autoStorageContainerName needs an auto-storage account, which the emulator has not");
            }
            String mode = Json.text(rf, "fileMode");
            if (mode != null) {
                for (Path p : written) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(rwx(mode)));
            }
        }
    }

    /** Uploads the output files whose uploadCondition matches; answers the first failure, or null. */
    String upload(JsonNode outputFiles, Path wd, boolean success) {
        for (JsonNode of : outputFiles) {
            String condition = of.path("uploadOptions").path("uploadCondition").asText("taskCompletion");
            boolean wanted = switch (condition.toLowerCase()) {
                case "tasksuccess" -> success;
                case "taskfailure" -> !success;
                default -> true;
            };
            if (!wanted) continue;
            JsonNode container = of.path("destination").path("container");
            String containerUrl = Json.text(container, "containerUrl");
            String path = Json.text(container, "path");
            String pattern = Json.text(of, "filePattern");
            Map<String, String> headers = new LinkedHashMap<>();
            for (JsonNode h : container.path("uploadHeaders")) headers.put(h.path("name").asText(), h.path("value").asText(""));
            try {
                for (Map.Entry<String, Path> file : match(wd, pattern).entrySet()) {
                    String blobName = wildcard(pattern)
                            ? (path == null ? "" : path.replaceAll("/+$", "") + "/") + file.getKey()
                            : (path == null ? file.getValue().getFileName().toString() : path);
                    blobs.upload(containerUrl, blobName, file.getValue(), headers);
                }
            } catch (IOException | RuntimeException e) {
                return "Failed to upload " + pattern + " to " + BlobTransfer.redact(String.valueOf(containerUrl))
                        + ": " + e.getMessage();
            }
        }
        return null;
    }

    /** Files matching {@code pattern} (relative to wd, or absolute), keyed by path relative to the pattern's base. */
    static Map<String, Path> match(Path wd, String pattern) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        String[] parts = pattern.replace('\\', '/').split("/");
        int firstWild = 0;
        while (firstWild < parts.length && !wildcard(parts[firstWild])) firstWild++;
        String basePart = String.join("/", java.util.Arrays.copyOfRange(parts, 0, firstWild));
        Path base = pattern.startsWith("/") ? Path.of("/" + basePart) : wd.resolve(basePart).normalize();
        if (firstWild == parts.length) {
            if (Files.isRegularFile(base)) out.put(base.getFileName().toString(), base);
            return out;
        }
        String glob = String.join("/", java.util.Arrays.copyOfRange(parts, firstWild, parts.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        PathMatcher shallow = glob.startsWith("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)) : null;
        if (!Files.isDirectory(base)) return out;
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = base.relativize(p);
                if (matcher.matches(rel) || (shallow != null && shallow.matches(rel))) {
                    out.put(rel.toString().replace('\\', '/'), p);
                }
            }
        }
        return out;
    }

    static boolean wildcard(String s) {
        return s.contains("*") || s.contains("?") || s.contains("[");
    }

    /** {@code relative} resolved under {@code root}; refuses paths that leave it. */
    static Path inside(Path root, String relative) throws IOException {
        Path p = root.resolve(relative.replaceAll("^/+", "")).normalize();
        if (!p.startsWith(root.normalize())) throw new IOException("path " + relative + " leaves the working directory");
        return p;
    }

    private static String rwx(String octal) {
        String digits = octal.length() > 3 ? octal.substring(octal.length() - 3) : octal;
        StringBuilder sb = new StringBuilder();
        for (char c : digits.toCharArray()) {
            int v = c - '0';
            sb.append((v & 4) != 0 ? 'r' : '-').append((v & 2) != 0 ? 'w' : '-').append((v & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }
}
