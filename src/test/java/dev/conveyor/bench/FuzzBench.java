package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The fuzz run ({@code bench/run.sh fuzz [HOSTILE] [GOOD]}): HOSTILE hostile request records (bad
 * JSON, NULs, huge numbers, lone surrogates, duplicated ids, hijack attempts, oversized records,
 * wrong types, bad ids, header garbage) interleaved with GOOD valid jobs, published to a broker
 * process with {@code serve} workers in default settings. It prints how each class was answered and
 * checks two things: every good job got exactly one result, SUCCEEDED, answering its own record;
 * every record got exactly one answer — a result naming it (REJECTED, or the job's own result), or a
 * DUPLICATE status for its id, or, when no id can be recovered from it, its copy in the DLQ with a
 * {@code dead-letter-reason}. Exit code 0 only when both hold. Not a test: never in the build.
 */
public final class FuzzBench {
    private static final Duration WAIT = Duration.ofMinutes(5);

    /** One published record: its class, the job id it carries (if any), and where it landed. */
    record Sent(String kind, String id, boolean good, String position) {
    }

    /** What to publish: key, value bytes, headers, and the job id a reader could recover (or null). */
    record Hostile(String kind, String key, byte[] value, RecordHeaders headers, String id) {
        Hostile(String kind, String key, String value, String id) {
            this(kind, key, value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), id);
        }
    }

    private final Random random;
    private int counter;

    private FuzzBench(long seed) {
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        int hostile = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int good = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int workers = 1;
        long seed = System.nanoTime();
        for (String a : args) {
            if (a.startsWith("--workers=")) {
                workers = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--seed=")) {
                seed = Long.parseLong(a.substring(7));
            }
        }
        System.exit(new FuzzBench(seed).run(hostile, good, workers, seed));
    }

    private String nextId(String prefix) {
        return prefix + "-" + (counter++);
    }

    static String good(String id, boolean local) {
        return "{\"id\":\"%s\",\"runsOn\":{\"type\":\"%s\"},\"tasks\":[{\"id\":\"t\",\"command\":\"%s\"}]}"
                .formatted(id, local ? "local" : "noop", local ? "echo ok" : "true");
    }

    /** The hostile classes; each call makes one record of the class, varied. */
    private final Map<String, BiFunction<FuzzBench, Integer, List<Hostile>>> classes = new LinkedHashMap<>();

    {
        classes.put("bad JSON", (f, n) -> {
            String id = f.nextId("bj");
            String[] bodies = {
                "{\"id\":\"" + id + "\",\"tasks\":[", "{", "}", "[]", "null", "\"just a string\"", "{\"id\":\"" + id + "\"",
                "{\"id\":\"" + id + "\",,}", "{\"id\":\"" + id + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"x\"}]}}",
                "{'id':'" + id + "'}", "\u00ff\u00fe\u0000garbage", "{\"id\":\"" + id + "\",\"id\":\"other\"}",
                "<xml/>", "{\"id\":\"" + id + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"x\"}]} trailing",
            };
            String body = bodies[n % bodies.length];
            byte[] bytes = n % 7 == 6 ? f.randomBytes(1 + f.random.nextInt(300)) : body.getBytes(StandardCharsets.UTF_8);
            String key = n % 3 == 0 ? null : id;
            return List.of(new Hostile("bad JSON", key, bytes, new RecordHeaders(), id));
        });
        classes.put("NUL bytes", (f, n) -> {
            String id = f.nextId("nul");
            String[] bodies = {
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"env\":{\"A\":\"v\\u0000w\"}}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"echo a\\u0000b\"}]}",
                "{\"id\":\"%s\",\"name\":\"n\\u0000\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"params\":{\"p\":\"x\\u0000\"},\"tasks\":[{\"id\":\"t\",\"command\":\"echo ${{ params.p }}\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\\u0000\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"labels\":{\"k\":\"\\u0000\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
            };
            String body = bodies[n % bodies.length].formatted(id);
            if (n % 7 == 6) { // a raw NUL byte inside a string: not JSON at all
                body = "{\"id\":\"" + id + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"a\u0000b\"}]}";
            }
            return List.of(new Hostile("NUL bytes", id, body, id));
        });
        classes.put("huge numbers", (f, n) -> {
            String id = f.nextId("num");
            String[] fields = {
                "\"retries\":1e999999", "\"retries\":99999999999999999999999999", "\"timeout\":1e308",
                "\"retries\":-1", "\"timeout\":-5", "\"retries\":1.5", "\"timeout\":\"99999999999999999999h\"",
                "\"resources\":{\"cpu\":1e999}", "\"resources\":{\"memory\":\"1e999Gi\"}", "\"retries\":NaN",
            };
            String task = "{\"id\":\"t\",\"command\":\"true\"," + fields[n % fields.length] + "}";
            String body = n % 11 == 10
                    ? "{\"id\":\"" + id + "\",\"timeout\":1e999999,\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}"
                    : "{\"id\":\"" + id + "\",\"tasks\":[" + task + "]}";
            return List.of(new Hostile("huge numbers", id, body, id));
        });
        classes.put("lone surrogates", (f, n) -> {
            String id = f.nextId("sur");
            String[] bodies = {
                "{\"id\":\"%s\",\"name\":\"a\\ud800b\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"echo \\udfff\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"env\":{\"A\":\"\\ud83d\"}}]}",
                "{\"id\":\"%s\",\"labels\":{\"\\udc00\":\"v\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
            };
            byte[] bytes = bodies[n % bodies.length].formatted(id).getBytes(StandardCharsets.UTF_8);
            if (n % 5 == 4) { // raw bytes that are not UTF-8: an encoded surrogate, a truncated sequence
                byte[] head = ("{\"id\":\"" + id + "\",\"name\":\"").getBytes(StandardCharsets.UTF_8);
                byte[] bad = n % 2 == 0 ? new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80} : new byte[] {(byte) 0xC3, 0x28};
                byte[] tail = "\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}".getBytes(StandardCharsets.UTF_8);
                bytes = concat(head, bad, tail);
            }
            return List.of(new Hostile("lone surrogates", id, bytes, new RecordHeaders(), id));
        });
        classes.put("wrong types", (f, n) -> {
            String id = f.nextId("typ");
            String[] bodies = {
                "{\"id\":\"%s\",\"tasks\":\"nope\"}", "{\"id\":\"%s\",\"tasks\":[1,2]}", "{\"id\":\"%s\",\"tasks\":[]}",
                "{\"id\":\"%s\",\"runsOn\":\"local\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"env\":[1]}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"needs\":\"a\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":[\"true\"]}]}",
                "{\"id\":\"%s\",\"params\":3,\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"retries\":\"x\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"timeout\":true}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\"}]}", "{\"id\":\"%s\"}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\",\"needs\":[\"t\"]}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"a\",\"command\":\"true\",\"needs\":[\"b\"]},{\"id\":\"b\",\"command\":\"true\",\"needs\":[\"a\"]}]}",
                "{\"id\":\"%s\",\"runsOn\":{\"type\":\"mainframe\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}",
                "{\"id\":\"%s\",\"tasks\":[{\"id\":\"t\",\"command\":\"echo ${{ params.nope }}\"}]}",
            };
            return List.of(new Hostile("wrong types", id, bodies[n % bodies.length].formatted(id), id));
        });
        classes.put("bad ids", (f, n) -> {
            String tag = f.nextId("bid");
            String[] ids = {"../../etc/passwd", "", "a b", "x".repeat(200), "-leading", "id/with/slash", "é", "a\\u0000",
                "con", "."};
            String body = "{\"id\":\"" + ids[n % ids.length] + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}";
            String key = n % 2 == 0 ? null : tag; // a key the service may use to answer, or none
            // "con" is a valid id (only Windows minds it): the first runs, the others are DUPLICATEs of it
            String answersTo = ids[n % ids.length].equals("con") ? "con" : key;
            return List.of(new Hostile("bad ids", key, body, answersTo));
        });
        classes.put("oversized", (f, n) -> {
            String id = f.nextId("big");
            if (n % 4 != 0) { // under the record limit, over what a job may hold
                StringBuilder tasks = new StringBuilder();
                int count = n % 4 == 1 ? 20_000 : 1;
                for (int i = 0; i < count; i++) {
                    tasks.append(i == 0 ? "" : ",").append("{\"id\":\"t").append(i).append("\",\"command\":\"true\"}");
                }
                String extra = n % 4 == 2 ? ",\"labels\":{\"l\":\"" + "x".repeat(1_000_000) + "\"}" : "";
                if (n % 4 == 3) {
                    extra = ",\"matrix\":{\"a\":[" + "1,".repeat(999) + "1],\"b\":[" + "1,".repeat(999) + "1]}";
                    tasks.setLength(0);
                    tasks.append("{\"id\":\"t\",\"command\":\"true\",\"strategy\":{\"matrix\":{\"a\":[" + "1,".repeat(999)
                            + "1],\"b\":[" + "1,".repeat(999) + "1]}}}");
                    extra = "";
                }
                return List.of(new Hostile("oversized", id, "{\"id\":\"" + id + "\"" + extra + ",\"tasks\":[" + tasks + "]}", id));
            }
            String body = "{\"id\":\"" + id + "\",\"name\":\"" + "x".repeat(4_300_000) + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}";
            return List.of(new Hostile("oversized", id, body, id));
        });
        classes.put("header garbage", (f, n) -> {
            String id = f.nextId("hdr");
            RecordHeaders h = new RecordHeaders();
            switch (n % 6) {
                case 0 -> h.add("ce_specversion", "0.0.1".getBytes(StandardCharsets.UTF_8));
                case 1 -> h.add("ce_type", f.randomBytes(40));
                case 2 -> {
                    h.add("ce_id", new byte[0]);
                    h.add("ce_source", null);
                    h.add("content-type", "text/evil; charset=ebcdic".getBytes(StandardCharsets.UTF_8));
                }
                case 3 -> {
                    for (int i = 0; i < 300; i++) {
                        h.add("junk-" + i, f.randomBytes(20));
                    }
                }
                case 4 -> h.add("ce_subject", "another-job".getBytes(StandardCharsets.UTF_8));
                default -> h.add("ce_datacontenttype", "application/x-yaml".getBytes(StandardCharsets.UTF_8));
            }
            boolean validBody = n % 2 == 0;
            String body = validBody ? good(id, false) : "{\"id\":\"" + id + "\",\"tasks\":\"nope\"}";
            return List.of(new Hostile("header garbage", id, body.getBytes(StandardCharsets.UTF_8), h, id));
        });
        classes.put("YAML and nesting", (f, n) -> {
            String id = f.nextId("yml");
            String[] bodies = {
                "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                    + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                    + "f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nid: " + id + "\n",
                "id: " + id + "\ntasks: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n",
                "{\"id\":\"" + id + "\",\"tasks\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}",
                "id: " + id + "\ntasks:\n  - id: t\n    command: true\n    env: {A: !!binary AAAA}\n",
                "id: " + id + "\ntasks: [{id: t, command: true}]\n---\nid: second\n",
            };
            return List.of(new Hostile("YAML and nesting", id, bodies[n % bodies.length], id));
        });
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private int run(int hostileCount, int goodCount, int workers, long seed) throws Exception {
        Path root = BenchDirs.create("conveyor-fuzz-");
        System.out.printf("fuzz: %d hostile + %d good records, %d worker(s), seed %d, in %s%n", hostileCount, goodCount,
                workers, seed, root);
        try (ChaosCluster cluster = new ChaosCluster(root, workers, List.of())) {
            cluster.startBroker();
            for (int i = 0; i < workers; i++) {
                cluster.startWorker(i);
            }
            try (TopicTail results = new TopicTail(cluster.bootstrap(), "conveyor.results", "job-result");
                 TopicTail dlq = new TopicTail(cluster.bootstrap(), "conveyor.dlq", null);
                 TopicTail status = new TopicTail(cluster.bootstrap(), "conveyor.status", "job-status");
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                         ProducerConfig.ACKS_CONFIG, "all",
                         ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
                         ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024),
                         new StringSerializer(), new ByteArraySerializer())) {
                List<Sent> sent = publish(producer, hostileCount, goodCount);
                System.out.printf("published %d records; waiting for answers%n", sent.size());
                BenchWaits.until(() -> new Answers(sent, results.seen(), dlq.seen(), status.seen()).unanswered() == 0,
                        Duration.ofSeconds(1), WAIT);
                // late doubles: until no answer has come for 10 s
                BenchWaits.quietFor(() -> results.seen().size() + dlq.seen().size() + status.seen().size(),
                        Duration.ofSeconds(10), Duration.ofMinutes(1));
                Answers answers = new Answers(sent, results.seen(), dlq.seen(), status.seen());
                int exit = answers.report();
                if (!results.invalid().isEmpty() || !status.invalid().isEmpty()) {
                    System.out.println("records that break their schema: " + results.invalid() + status.invalid());
                    exit = 1;
                }
                if (exit != 0) {
                    BenchDirs.keep(root);
                }
                System.out.println(BenchDirs.where(root));
                return exit;
            }
        }
    }

    /** Good jobs at even intervals; each good id is also attacked: a hijack before it, a duplicate after it. */
    private List<Sent> publish(KafkaProducer<String, byte[]> producer, int hostileCount, int goodCount) throws Exception {
        List<String> kinds = new ArrayList<>(classes.keySet());
        List<Sent> sent = new ArrayList<>();
        int every = Math.max(1, hostileCount / goodCount);
        int hostile = 0;
        int good = 0;
        int[] perKind = new int[kinds.size()];
        while (hostile < hostileCount || good < goodCount) {
            if (good < goodCount && (hostile >= hostileCount || hostile >= (good + 1) * every - every / 2)) {
                String id = "good-" + good;
                boolean attacked = good % 2 == 0;
                if (attacked) { // a wrong request with the good job's id first: it must not take the id
                    sent.add(send(producer, "hijack", id, ("{\"id\":\"" + id + "\",\"tasks\":\"nope\"}").getBytes(StandardCharsets.UTF_8),
                            new RecordHeaders(), id, false));
                    hostile++;
                }
                sent.add(send(producer, "good", id, good(id, good % 5 == 4).getBytes(StandardCharsets.UTF_8), new RecordHeaders(), id, true));
                if (attacked) { // the same id again, valid or not: a DUPLICATE
                    String again = good % 4 == 0 ? good(id, false) : "{\"id\":\"" + id + "\",\"tasks\":\"nope\"}";
                    sent.add(send(producer, "duplicated id", id, again.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), id, false));
                    hostile++;
                }
                good++;
                continue;
            }
            int k = hostile % kinds.size();
            for (Hostile h : classes.get(kinds.get(k)).apply(this, perKind[k]++)) {
                sent.add(send(producer, h.kind(), h.key(), h.value(), h.headers(), h.id(), false));
                hostile++;
            }
        }
        producer.flush();
        return sent;
    }

    private static Sent send(KafkaProducer<String, byte[]> producer, String kind, String key, byte[] value, RecordHeaders headers,
            String id, boolean good) throws Exception {
        RecordMetadata m = producer.send(new ProducerRecord<>("conveyor.requests", null, key, value, headers)).get(60, TimeUnit.SECONDS);
        return new Sent(kind, id, good, m.topic() + "/" + m.partition() + "/" + m.offset());
    }

    /** Every record's answers, tallied per class. */
    private static final class Answers {
        private final List<Sent> sent;
        private final Map<String, List<JsonNode>> resultsByRecord = new HashMap<>();
        private final Map<String, List<Map<String, String>>> dlqByRecord = new HashMap<>();
        private final Map<String, Integer> duplicatesById = new HashMap<>();
        private final Map<Sent, String> answer = new LinkedHashMap<>();
        private final List<String> failures = new ArrayList<>();

        Answers(List<Sent> sent, List<ChaosBench.ResultLog.Seen> results, List<ChaosBench.ResultLog.Seen> dlq,
                List<ChaosBench.ResultLog.Seen> status) {
            this.sent = sent;
            for (var r : results) {
                JsonNode json = r.json();
                String request = json.path("request").asText("");
                int at = request.lastIndexOf('@');
                resultsByRecord.computeIfAbsent(at < 0 ? request : request.substring(0, at), k -> new ArrayList<>()).add(json);
            }
            for (var d : dlq) {
                String position = d.headers().get("dead-letter-topic") + "/" + d.headers().get("dead-letter-partition") + "/"
                        + d.headers().get("dead-letter-offset");
                dlqByRecord.computeIfAbsent(position, k -> new ArrayList<>()).add(d.headers());
            }
            for (var s : status) {
                JsonNode json = s.json();
                if ("DUPLICATE".equals(json.path("state").asText()) && !json.has("task")) {
                    duplicatesById.merge(json.path("jobId").asText(), 1, Integer::sum);
                }
            }
            classify();
        }

        /** DUPLICATE statuses name a job id, not a record: they go to the records of that id without a result, in order. */
        private void classify() {
            Map<String, Integer> duplicatesLeft = new HashMap<>(duplicatesById);
            for (Sent s : sent) {
                List<JsonNode> rs = resultsByRecord.getOrDefault(s.position(), List.of());
                List<Map<String, String>> ds = dlqByRecord.getOrDefault(s.position(), List.of());
                int dup = 0;
                if (rs.isEmpty() && s.id() != null && duplicatesLeft.getOrDefault(s.id(), 0) > 0) {
                    duplicatesLeft.merge(s.id(), -1, Integer::sum);
                    dup = 1;
                }
                String a;
                if (rs.size() + dup > 1 || ds.size() > 1) {
                    a = "more than one answer";
                } else if (rs.size() == 1) {
                    a = rs.get(0).path("status").asText() + (ds.isEmpty() ? "" : " + DLQ copy");
                } else if (dup == 1) {
                    a = ds.isEmpty() ? "DUPLICATE" : "more than one answer";
                } else if (ds.size() == 1) {
                    a = "DLQ";
                } else {
                    a = "no answer";
                }
                answer.put(s, a);
                if (s.good() && !(rs.size() == 1 && "SUCCEEDED".equals(rs.get(0).path("status").asText()) && ds.isEmpty())) {
                    failures.add("good job " + s.id() + " (" + s.position() + "): " + a
                            + (rs.isEmpty() ? "" : " " + rs.get(0).path("reason").asText()));
                }
                if (a.equals("no answer") || a.equals("more than one answer")) {
                    failures.add(s.kind() + " " + s.id() + " (" + s.position() + "): " + a);
                }
            }
            duplicatesLeft.forEach((id, n) -> {
                if (n > 0) {
                    failures.add(n + " DUPLICATE status(es) for " + id + " that answer no record");
                }
            });
        }

        long unanswered() {
            return answer.values().stream().filter("no answer"::equals).count()
                    + sent.stream().filter(s -> s.good() && !answer.get(s).startsWith("SUCCEEDED") && !answer.get(s).startsWith("FAILED")).count();
        }

        int report() {
            Map<String, Map<String, Long>> table = new LinkedHashMap<>();
            Map<String, Map<String, Long>> reasons = new LinkedHashMap<>();
            for (Sent s : sent) {
                table.computeIfAbsent(s.kind(), k -> new TreeMap<>()).merge(answer.get(s), 1L, Long::sum);
                String why = why(s);
                if (why != null) {
                    reasons.computeIfAbsent(s.kind(), k -> new LinkedHashMap<>()).merge(why, 1L, Long::sum);
                }
            }
            System.out.println();
            System.out.printf("| fuzz run %s | records | answered with |%n|---|---|---|%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
            table.forEach((kind, answers) -> System.out.printf("| %s | %d | %s |%n", kind,
                    answers.values().stream().mapToLong(Long::longValue).sum(),
                    answers.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
            System.out.println();
            System.out.println("What each class was told (REJECTED: the first problem; DLQ: dead-letter-reason), most frequent first:");
            reasons.forEach((kind, whys) -> {
                System.out.println("  " + kind + ":");
                whys.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                        .forEach(e -> System.out.printf("    %4d × %s%n", e.getValue(), e.getKey()));
            });
            long goods = sent.stream().filter(Sent::good).count();
            long goodOk = sent.stream().filter(s -> s.good() && "SUCCEEDED".equals(answer.get(s))).count();
            long one = answer.values().stream().filter(a -> !a.equals("no answer") && !a.equals("more than one answer")).count();
            System.out.println();
            System.out.printf("good jobs with exactly one result, SUCCEEDED: %d of %d%n", goodOk, goods);
            System.out.printf("records with exactly one answer: %d of %d%n", one, sent.size());
            failures.stream().limit(30).forEach(f -> System.out.println("  FAIL " + f));
            return failures.isEmpty() ? 0 : 1;
        }

        private String why(Sent s) {
            List<JsonNode> rs = resultsByRecord.getOrDefault(s.position(), List.of());
            if (!rs.isEmpty()) {
                JsonNode r = rs.get(0);
                JsonNode p = r.path("problems").path(0);
                String text = p.isMissingNode() ? r.path("reason").asText("") : p.path("path").asText() + ": " + p.path("message").asText();
                return r.path("status").asText() + " " + shorten(text);
            }
            List<Map<String, String>> ds = dlqByRecord.getOrDefault(s.position(), List.of());
            if (!ds.isEmpty()) {
                return "DLQ " + shorten(String.valueOf(ds.get(0).get("dead-letter-reason")));
            }
            return null;
        }

        private static String shorten(String s) {
            String one = s.replaceAll("\\s+", " ").replaceAll("(good|nul|num|sur|typ|bid|big|hdr|yml|bj)-\\d+", "$1-N");
            return one.length() > 110 ? one.substring(0, 107) + "..." : one;
        }
    }
}
