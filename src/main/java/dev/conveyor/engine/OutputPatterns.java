package dev.conveyor.engine;

/**
 * Output globs as POSIX extended regular expressions, so the task wrapper can select files with
 * {@code grep -E -x} on any node: {@code *} and {@code ?} stay within one folder, {@code **}
 * crosses folders ({@code **}{@code /x} also matches {@code x} at the top), {@code [..]} and
 * {@code {a,b}} as in Java's glob. The same semantics the local provider had with PathMatcher.
 */
public final class OutputPatterns {
    private OutputPatterns() {
    }

    public static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean dirPrefix = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                        re.append(dirPrefix ? "(.*/)?" : ".*");
                        i += dirPrefix ? 2 : 1;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        if (body.startsWith("!")) {
                            body = "^" + body.substring(1);
                        }
                        re.append('[').append(body.replace("\\", "\\\\")).append(']');
                        i = close;
                    }
                }
                case '{' -> {
                    braces++;
                    re.append('(');
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        re.append(')');
                    } else {
                        re.append("\\}");
                    }
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(escape(glob.charAt(++i)));
                    }
                }
                default -> re.append(escape(c));
            }
        }
        return re.toString();
    }

    private static String escape(char c) {
        return ".^$+()|{}[]\\".indexOf(c) >= 0 ? "\\" + c : String.valueOf(c);
    }
}
