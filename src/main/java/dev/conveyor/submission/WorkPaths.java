package dev.conveyor.submission;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks and normalises paths and globs that must stay inside a task's working directory. */
public final class WorkPaths {

    private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private WorkPaths() {
    }

    /** Why {@code path} cannot be an input path (relative, inside the working directory), or null if it can. */
    public static String problemWith(String path) {
        String escape = escapes(path, "path");
        if (escape != null) {
            return escape;
        }
        if (normalize(path).isEmpty()) {
            return "'" + path + "' is the working directory itself; give a file path such as data/in.txt";
        }
        if (path.endsWith("/") || path.endsWith("\\")) {
            return "'" + path + "' ends with '/'; give a file path such as data/in.txt";
        }
        return null;
    }

    /** Why {@code pattern} cannot be an output glob, or null if it can. */
    public static String problemWithPattern(String pattern) {
        return escapes(pattern, "pattern");
    }

    private static String escapes(String path, String what) {
        if (path.indexOf('\0') >= 0) {
            return "the " + what + " contains a NUL character";
        }
        if (path.startsWith("/") || path.startsWith("\\") || path.startsWith("~") || WINDOWS_DRIVE.matcher(path).matches()) {
            return "'" + path + "' is absolute; the " + what + " must be relative to the task's working directory";
        }
        for (String segment : path.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "'" + path + "' contains '..'; the " + what + " must stay inside the task's working directory";
            }
        }
        return null;
    }

    /** {@code ./data//in.txt} → {@code data/in.txt}: no empty or {@code .} segments, '/' separators. */
    public static String normalize(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("[/\\\\]")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return String.join("/", segments);
    }
}
