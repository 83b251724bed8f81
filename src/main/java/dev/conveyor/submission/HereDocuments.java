package dev.conveyor.submission;

import java.util.ArrayList;
import java.util.List;

/**
 * The here-documents announced on a line ({@code <<EOF}, {@code <<-'EOF'}): their bodies start on
 * the next line, in order. A quoted delimiter means a body the shell does not expand.
 */
final class HereDocuments {

    record Pending(String delimiter, boolean stripTabs, boolean quoted) {
    }

    private final List<Pending> pending = new ArrayList<>();

    boolean any() {
        return !pending.isEmpty();
    }

    /** The announced here-documents, first first; forgets them. */
    List<Pending> take() {
        List<Pending> taken = List.copyOf(pending);
        pending.clear();
        return taken;
    }

    /** Reads the delimiter word after {@code <<} at {@code from}; returns the index after it. */
    int announce(String text, int from) {
        int i = from;
        int n = text.length();
        boolean stripTabs = false;
        if (i < n && text.charAt(i) == '-') {
            stripTabs = true;
            i++;
        }
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                quoted = true;
                int close = text.indexOf(c, i + 1);
                if (close < 0) {
                    break;
                }
                word.append(text, i + 1, close);
                i = close + 1;
            } else if (c == '\\' && i + 1 < n) {
                quoted = true;
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (Character.isWhitespace(c) || ";&|<>()".indexOf(c) >= 0) {
                break;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word.length() > 0) {
            pending.add(new Pending(word.toString(), stripTabs, quoted));
        }
        return i;
    }
}
