package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.submission.RequestReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static JsonNode body(RequestFile file) throws IOException {
        return Json.MAPPER.readTree(file.body());
    }

    @Test
    void aMissingFileIsABadInputNamingIt() {
        assertThatThrownBy(() -> RequestFile.load(dir.resolve("nope.yaml"), Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("no such file: " + dir.resolve("nope.yaml"));
    }

    @Test
    void aDirectoryIsABadInput() {
        assertThatThrownBy(() -> RequestFile.load(dir, Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage(dir + " is a directory, not a request file");
    }

    @Test
    void aFileOverTheRequestLimitIsRefusedWithItsSizeBeforeAnythingIsSent() throws IOException {
        Path big = dir.resolve("big.yaml");
        byte[] bytes = new byte[RequestReader.DEFAULT_MAX_BYTES + 1];
        java.util.Arrays.fill(bytes, (byte) ' ');
        Files.write(big, bytes);
        assertThatThrownBy(() -> RequestFile.load(big, Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining((RequestReader.DEFAULT_MAX_BYTES + 1) + " bytes")
                .hasMessageContaining("at most 4194304 bytes (4 MiB)");
    }

    @Test
    void aFileThatIsNotARequestSaysWhy() throws IOException {
        Path list = write("list.yaml", "- a\n- b\n");
        assertThatThrownBy(() -> RequestFile.load(list, Map.of()))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("is not a job request: a request must be an object");
    }

    @Test
    void aRequestWithoutIdGetsANewOneThatTheClientFollows() throws IOException {
        RequestFile file = RequestFile.load(write("a.yaml", "tasks: [{id: t, command: 'true'}]\n"), Map.of());
        assertThat(file.jobId()).matches(RequestFile.ID_PATTERN);
        assertThat(body(file).path("id").asText()).isEqualTo(file.jobId());
    }

    @Test
    void anIdTheServiceWouldNotTakeIsRefused() throws IOException {
        Path file = write("a.yaml", "id: 'has space'\ntasks: [{id: t, command: 'true'}]\n");
        assertThatThrownBy(() -> RequestFile.load(file, Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageContaining("\"has space\" is not a valid job id");
        Path number = write("b.yaml", "id: 2026\ntasks: [{id: t, command: 'true'}]\n");
        assertThatThrownBy(() -> RequestFile.load(number, Map.of())).hasMessageContaining("2026 is not a valid job id");
    }

    @Test
    void theIdPatternIsTheOneOfTheRequestSchema() throws IOException {
        JsonNode schema = Json.MAPPER.readTree(Path.of("schemas", "job-request.schema.json").toFile());
        assertThat(schema.at("/properties/id/pattern").asText()).isEqualTo(RequestFile.ID_PATTERN.pattern());
    }

    @Test
    void aDeclaredParamIsSetAndTyped() throws IOException {
        Path file = write("p.yaml", "params: {who: world, rows: {type: int, default: 3}}\ntasks: [{id: t, command: 'true'}]\n");
        JsonNode params = body(RequestFile.load(file, Map.of("who", "you", "rows", "5"))).path("params");
        assertThat(params.path("who").asText()).isEqualTo("you");
        assertThat(params.path("rows").path("value").asInt()).isEqualTo(5);
    }

    @Test
    void anUndeclaredParamIsRefusedWithTheNearestDeclaredName() throws IOException {
        Path file = write("p.yaml", "params: {who: world, rows: {type: int, default: 3}}\ntasks: [{id: t, command: 'true'}]\n");
        assertThatThrownBy(() -> RequestFile.load(file, Map.of("row", "5")))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("--param row: the request declares no param 'row'; did you mean 'rows'? Declared: who, rows");
        assertThatThrownBy(() -> RequestFile.load(file, Map.of("colour", "red")))
                .hasMessage("--param colour: the request declares no param 'colour' Declared: who, rows");
    }

    @Test
    void aParamForARequestWithoutParamsIsRefused() throws IOException {
        Path file = write("p.yaml", "tasks: [{id: t, command: 'true'}]\n");
        assertThatThrownBy(() -> RequestFile.load(file, Map.of("who", "x")))
                .hasMessage("--param who: the request declares no params (add it under params: to use it)");
    }

    @Test
    void ddeutilParamsAreTheWorkflowsOwnUnderEitherSpelling() throws IOException {
        Path etl = Path.of("examples", "ddeutil-etl.yaml");
        assertThat(body(RequestFile.load(etl, Map.of("rows", "5", "run-date", "2026-01-01"))).toString())
                .contains("\"value\":5").contains("2026-01-01");
        assertThat(body(RequestFile.load(etl, Map.of("run_date", "2026-01-02"))).toString()).contains("2026-01-02");
        assertThatThrownBy(() -> RequestFile.load(etl, Map.of("rwos", "5")))
                .isInstanceOf(CliException.class)
                .hasMessage("--param rwos: the request declares no param 'rwos'; did you mean 'rows'? Declared: run-date, rows");
        Path flat = Path.of("examples", "ddeutil-matrix.yaml");
        assertThat(body(RequestFile.load(flat, Map.of("source", "lake"))).toString()).contains("lake");
        assertThatThrownBy(() -> RequestFile.load(flat, Map.of("sink", "x"))).hasMessageContaining("Declared: source");
    }
}
