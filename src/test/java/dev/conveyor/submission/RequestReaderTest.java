package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestReaderTest {

    private final RequestReader reader = new RequestReader();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsJson() throws Exception {
        JsonNode node = reader.read(utf8("{\"id\":\"j1\",\"tasks\":[{\"id\":\"a\",\"command\":\"true\",\"retries\":2}]}"));
        assertThat(node.get("id").asText()).isEqualTo("j1");
        assertThat(node.at("/tasks/0/retries").isInt()).isTrue();
    }

    @Test
    void readsYaml() throws Exception {
        JsonNode node = reader.read(utf8("""
                id: j1
                tasks:
                  - id: a
                    script: |
                      echo one
                      echo two
                    retries: 2
                """));
        assertThat(node.get("id").asText()).isEqualTo("j1");
        assertThat(node.at("/tasks/0/script").asText()).isEqualTo("echo one\necho two\n");
        assertThat(node.at("/tasks/0/retries").asInt()).isEqualTo(2);
    }

    @Test
    void yamlUsesCoreSchemaScalarsSoIdsAndWordsStayStrings() throws Exception {
        JsonNode node = reader.read(utf8("id: 2026-11-21\nname: 0123\nlabels: {country: no, flag: on, ok: true, n: null}\n"));
        assertThat(node.get("id").isTextual()).isTrue();
        assertThat(node.get("id").asText()).isEqualTo("2026-11-21");
        assertThat(node.get("name").asText()).isEqualTo("0123");
        assertThat(node.at("/labels/country").asText()).isEqualTo("no");
        assertThat(node.at("/labels/flag").asText()).isEqualTo("on");
        assertThat(node.at("/labels/ok").isBoolean()).isTrue();
        assertThat(node.at("/labels/n").isNull()).isTrue();
    }

    @Test
    void yamlAnchorsAndMergeKeysAreExpanded() throws Exception {
        JsonNode node = reader.read(utf8("""
                x-env: &env {A: "1", B: "2"}
                tasks:
                  - id: a
                    env: *env
                  - id: b
                    env:
                      <<: *env
                      C: "3"
                """));
        assertThat(node.at("/tasks/0/env/A").asText()).isEqualTo("1");
        assertThat(node.at("/tasks/1/env/B").asText()).isEqualTo("2");
        assertThat(node.at("/tasks/1/env/C").asText()).isEqualTo("3");
    }

    @Test
    void ignoresUtf8ByteOrderMark() throws Exception {
        assertThat(reader.read(utf8("\uFEFF{\"id\":\"x\"}")).get("id").asText()).isEqualTo("x");
    }

    @Test
    void rejectsEmptyAndBlankInput() {
        assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> reader.read(utf8("  \n\t "))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> reader.read(utf8("# only a comment\n"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void rejectsGarbageBytesAsNotUtf8() {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, 0x01};
        assertThatThrownBy(() -> reader.read(garbage)).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void rejectsTextThatIsNeitherJsonNorYamlWithLocation() {
        assertThatThrownBy(() -> reader.read(utf8("{\"id\": \"abc\", \"tasks\": [")))
                .isInstanceOf(UnreadableRequestException.class)
                .hasMessageStartingWith("not JSON or YAML: ")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> reader.read(utf8("tasks: [a, b\nid: : x\n")))
                .isInstanceOf(UnreadableRequestException.class)
                .hasMessageStartingWith("not JSON or YAML: ");
    }

    @Test
    void rejectsNonObjects() {
        assertThatThrownBy(() -> reader.read(utf8("\"hello\""))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("a request must be an object").hasMessageContaining("got a string");
        assertThatThrownBy(() -> reader.read(utf8("just some words"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("got a string");
        assertThatThrownBy(() -> reader.read(utf8("[1, 2]"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("got an array");
        assertThatThrownBy(() -> reader.read(utf8("- a\n- b\n"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("got an array");
        assertThatThrownBy(() -> reader.read(utf8("42"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("got a number");
    }

    @Test
    void rejectsSeveralYamlDocuments() {
        assertThatThrownBy(() -> reader.read(utf8("id: a\n---\nid: b\n"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("several documents");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> reader.read(utf8("{\"id\":\"a\",\"id\":\"b\"}"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> reader.read(utf8("id: a\nid: b\n"))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("id");
    }

    @Test
    void rejectsYamlAliasBomb() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 40; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        assertThatThrownBy(() -> reader.read(utf8(yaml.toString()))).isInstanceOf(UnreadableRequestException.class);
    }

    @Test
    void rejectsAliasExpansionBeyondNodeLimitEvenWithFewAliases() {
        // 2 aliases per level, 30 levels: few aliases, 2^30 values once expanded
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 30; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        assertThatThrownBy(() -> reader.read(utf8(yaml.toString()))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void rejectsTooDeeplyNestedJson() {
        String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        assertThatThrownBy(() -> reader.read(utf8(deep))).isInstanceOf(UnreadableRequestException.class)
                .hasMessageContaining("nested");
    }

    @Test
    void rejectsOversizedRequests() {
        RequestReader small = new RequestReader(100, 10, 1000);
        assertThatThrownBy(() -> small.read(utf8("{\"id\":\"" + "x".repeat(200) + "\"}")))
                .isInstanceOf(UnreadableRequestException.class).hasMessageContaining("too large");
    }

    @Test
    void recoversTheTopLevelIdOfBrokenJson() {
        assertThat(reader.recoverId(utf8("{\"tasks\": [{\"id\": \"task-1\"}], \"id\": \"abc\", \"oops"))).contains("abc");
        assertThat(reader.recoverId(utf8("{\"id\" : \"job.1_x-2\", ]]]"))).contains("job.1_x-2");
    }

    @Test
    void recoversTheTopLevelIdOfBrokenYaml() {
        assertThat(reader.recoverId(utf8("tasks:\n  - id: inner\n    command: [\nid: 'nightly-1'  # key\n"))).contains("nightly-1");
    }

    @Test
    void recoversTheIdOfARequestThatIsReadableButInvalid() {
        assertThat(reader.recoverId(utf8("{\"id\":\"ok-1\",\"tasks\":7}"))).contains("ok-1");
    }

    @Test
    void recoversNothingWhenTheIdIsMissingOrDoesNotMatchThePattern() {
        assertThat(reader.recoverId(utf8("{\"id\": \"has space\", "))).isEmpty();
        assertThat(reader.recoverId(utf8("{\"id\": \"../etc\", "))).isEmpty();
        assertThat(reader.recoverId(utf8("{\"tasks\": [{\"id\": \"inner\"}"))).isEmpty();
        assertThat(reader.recoverId(new byte[]{(byte) 0xff, 0x00})).isEmpty();
        assertThat(reader.recoverId(new byte[0])).isEmpty();
    }
}
