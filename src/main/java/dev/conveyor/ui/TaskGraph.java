package dev.conveyor.ui;

import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A job's tasks drawn as a DAG in SVG: one node per task of the request (a matrix task's cells
 * folded into one node that counts them by state), coloured by state, laid out in columns by
 * depth (longest chain of {@code needs} from a root). Built on the server; every text escaped.
 */
final class TaskGraph {
    private static final int W = 170;
    private static final int H = 46;
    private static final int GAP_X = 60;
    private static final int GAP_Y = 18;
    private static final int PAD = 10;
    /** Which state a folded group shows: the first present in this order. */
    private static final List<String> PRECEDENCE = List.of("RUNNING", "FAILED", "TIMED_OUT", "CANCELLED", "PENDING",
            "SKIPPED", "SUCCEEDED");

    private TaskGraph() {
    }

    /** @param states task id → state (absent: PENDING) */
    static String svg(JobSpec spec, Map<String, String> states) {
        Map<String, List<TaskSpec>> groups = new LinkedHashMap<>();
        Map<String, String> groupOf = new LinkedHashMap<>();
        for (TaskSpec t : spec.tasks()) {
            groups.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(t);
            groupOf.put(t.id(), t.group());
        }
        Map<String, Set<String>> needs = new LinkedHashMap<>();
        for (TaskSpec t : spec.tasks()) {
            Set<String> n = needs.computeIfAbsent(t.group(), g -> new LinkedHashSet<>());
            for (String need : t.needs()) {
                String g = groupOf.getOrDefault(need, need);
                if (!g.equals(t.group())) {
                    n.add(g);
                }
            }
        }
        Map<String, Integer> depth = new LinkedHashMap<>();
        for (String g : groups.keySet()) {
            depth(g, needs, depth, new LinkedHashSet<>());
        }
        Map<Integer, List<String>> columns = new TreeMap<>();
        depth.forEach((g, d) -> columns.computeIfAbsent(d, k -> new ArrayList<>()).add(g));
        int rows = columns.values().stream().mapToInt(List::size).max().orElse(1);
        int width = PAD * 2 + columns.size() * W + Math.max(0, columns.size() - 1) * GAP_X;
        int height = PAD * 2 + rows * H + Math.max(0, rows - 1) * GAP_Y;
        Map<String, int[]> at = new LinkedHashMap<>();
        columns.forEach((d, list) -> {
            int offset = (rows - list.size()) * (H + GAP_Y) / 2;
            for (int i = 0; i < list.size(); i++) {
                at.put(list.get(i), new int[] {PAD + d * (W + GAP_X), PAD + offset + i * (H + GAP_Y)});
            }
        });
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dag\" id=\"dag\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"task graph\">");
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker></defs>");
        needs.forEach((g, from) -> {
            int[] to = at.get(g);
            for (String f : from) {
                int[] src = at.get(f);
                if (src == null || to == null) {
                    continue;
                }
                int x1 = src[0] + W;
                int y1 = src[1] + H / 2;
                int x2 = to[0];
                int y2 = to[1] + H / 2;
                int mid = (x1 + x2) / 2;
                svg.append("<path class=\"edge\" data-from=\"").append(esc(f)).append("\" data-to=\"").append(esc(g))
                        .append("\" d=\"M").append(x1).append(',').append(y1).append(" C").append(mid).append(',').append(y1)
                        .append(' ').append(mid).append(',').append(y2).append(' ').append(x2).append(',').append(y2)
                        .append("\" marker-end=\"url(#arrow)\"/>");
            }
        });
        groups.forEach((g, cells) -> {
            int[] p = at.get(g);
            Map<String, Integer> counts = new TreeMap<>();
            for (TaskSpec c : cells) {
                counts.merge(states.getOrDefault(c.id(), "PENDING"), 1, Integer::sum);
            }
            String state = PRECEDENCE.stream().filter(counts::containsKey).findFirst().orElse("PENDING");
            boolean matrix = cells.size() > 1 || !cells.get(0).id().equals(g);
            svg.append("<g class=\"node s-").append(state.toLowerCase(Locale.ROOT).replace('_', '-'))
                    .append("\" data-id=\"").append(esc(g)).append("\" data-state=\"").append(state)
                    .append("\" data-cells=\"").append(cells.size()).append("\" transform=\"translate(")
                    .append(p[0]).append(',').append(p[1]).append(")\">");
            svg.append("<title>").append(esc(g)).append(": ").append(esc(describe(counts))).append("</title>");
            svg.append("<rect width=\"").append(W).append("\" height=\"").append(H).append("\" rx=\"7\"/>");
            svg.append("<text x=\"10\" y=\"19\" class=\"name\">").append(esc(shorten(g, 22)))
                    .append(matrix ? " ×" + cells.size() : "").append("</text>");
            svg.append("<text x=\"10\" y=\"36\" class=\"detail\">")
                    .append(esc(shorten(matrix ? describe(counts) : state, 28))).append("</text>");
            svg.append("</g>");
        });
        return svg.append("</svg>").toString();
    }

    private static int depth(String g, Map<String, Set<String>> needs, Map<String, Integer> memo, Set<String> path) {
        Integer known = memo.get(g);
        if (known != null) {
            return known;
        }
        if (!path.add(g)) {
            return 0; // submission refuses cycles; never loop on one anyway
        }
        int d = 0;
        for (String n : needs.getOrDefault(g, Set.of())) {
            if (needs.containsKey(n)) {
                d = Math.max(d, depth(n, needs, memo, path) + 1);
            }
        }
        path.remove(g);
        memo.put(g, d);
        return d;
    }

    private static String describe(Map<String, Integer> counts) {
        StringBuilder b = new StringBuilder();
        counts.forEach((s, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(s.toLowerCase(Locale.ROOT)));
        return b.toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
