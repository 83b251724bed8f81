package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** File_* operations on a task's directory (stdout.txt, stderr.txt, wd/...). */
final class FileHandlers {
    private final BatchState state;

    FileHandlers(BatchState state) {
        this.state = state;
    }

    void register(Router r) {
        r.add("GET", "jobs/{}/tasks/{}/files", "File_ListFromTask", this::list)
                .add("GET", "jobs/{}/tasks/{}/files/**", "File_GetFromTask", this::get)
                .add("HEAD", "jobs/{}/tasks/{}/files/**", "File_GetPropertiesFromTask", this::properties)
                .add("DELETE", "jobs/{}/tasks/{}/files/**", "File_DeleteFromTask", this::delete);
    }

    private Path taskDir(BatchRequest req) {
        synchronized (state) {
            Entities.Task task = state.task(req.param(0), req.param(1));
            if (task.taskDir == null || !Files.isDirectory(task.taskDir)) {
                throw BatchException.conflict("OperationInvalidForCurrentState",
                        "The task has not been scheduled on a node, so it has no files yet.");
            }
            return task.taskDir;
        }
    }

    private String fileUrl(BatchRequest req, String name) {
        return state.url("/jobs/" + req.param(0) + "/tasks/" + req.param(1) + "/files/" + name);
    }

    private BatchResponse list(BatchRequest req) {
        Path dir = taskDir(req);
        boolean recursive = Boolean.parseBoolean(req.queryParam("recursive"));
        List<ObjectNode> items = new ArrayList<>();
        try (Stream<Path> walk = recursive ? Files.walk(dir) : Files.list(dir)) {
            for (Path p : walk.filter(p -> !p.equals(dir)).sorted(Comparator.comparing(Path::toString)).toList()) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                ObjectNode item = Json.object();
                item.put("name", name);
                item.put("url", fileUrl(req, name));
                item.put("isDirectory", Files.isDirectory(p));
                item.set("properties", properties(p));
                items.add(item);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ListSupport.page(req, state.endpoint, "files", items);
    }

    private BatchResponse get(BatchRequest req) {
        Path file = file(req);
        BatchResponse r = BatchResponse.status(200);
        r.file = file;
        return fileHeaders(r, req, file);
    }

    private BatchResponse properties(BatchRequest req) {
        Path file = file(req);
        BatchResponse r = BatchResponse.status(200);
        try {
            r.headLength = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fileHeaders(r, req, file);
    }

    private BatchResponse delete(BatchRequest req) {
        Path dir = taskDir(req);
        Path target = resolve(dir, req.param(2));
        boolean recursive = Boolean.parseBoolean(req.queryParam("recursive"));
        try {
            if (Files.isDirectory(target)) {
                try (Stream<Path> inside = Files.list(target)) {
                    if (inside.findAny().isPresent() && !recursive) {
                        throw BatchException.conflict("DirectoryNotEmpty", "The directory is not empty; use recursive=true.");
                    }
                }
                try (Stream<Path> walk = Files.walk(target)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            } else {
                Files.delete(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return BatchResponse.status(200);
    }

    private Path file(BatchRequest req) {
        Path file = resolve(taskDir(req), req.param(2));
        if (!Files.isRegularFile(file)) throw BatchException.notFound("FileNotFound", "file");
        return file;
    }

    private static Path resolve(Path dir, String name) {
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw BatchException.notFound("FileNotFound", "file");
        }
        return p;
    }

    private BatchResponse fileHeaders(BatchResponse r, BatchRequest req, Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            r.header("Content-Type", contentType(file));
            r.header("ocp-creation-time", Json.rfc1123(attrs.creationTime().toInstant()));
            r.header("Last-Modified", Json.rfc1123(attrs.lastModifiedTime().toInstant()));
            r.header("ocp-batch-file-isdirectory", "false");
            r.header("ocp-batch-file-url", fileUrl(req, req.param(2)));
            r.header("ocp-batch-file-mode", fileMode(file));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode properties(Path p) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            ObjectNode props = Json.object();
            props.put("creationTime", Json.iso(attrs.creationTime().toInstant()));
            props.put("lastModified", Json.iso(attrs.lastModifiedTime().toInstant()));
            props.put("contentLength", attrs.isDirectory() ? 0 : attrs.size());
            if (!attrs.isDirectory()) props.put("contentType", contentType(p));
            props.put("fileMode", fileMode(p));
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(Path p) {
        String name = p.getFileName().toString().toLowerCase();
        if (name.endsWith(".txt") || name.endsWith(".log")) return "text/plain";
        if (name.endsWith(".json")) return "application/json";
        return "application/octet-stream";
    }

    /** Linux mode in octal, as the service reports it, e.g. 0100644 for a regular file. */
    private static String fileMode(Path p) throws IOException {
        int mode = 0;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        for (PosixFilePermission perm : perms) mode |= 1 << (8 - perm.ordinal());
        return "0" + Integer.toOctalString((Files.isDirectory(p) ? 0040000 : 0100000) | mode);
    }
}
