package dev.conveyor.it;

import dev.conveyor.emulator.azurite.SharedAzurite;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code conveyor run --emulate} on the two Azure Batch examples, as a user runs it: the packaged
 * application starts the Azure Batch emulator and Azurite itself, runs the job through the five
 * stages and prints SUCCEEDED with the logs and the outputs' Blob URLs.
 */
class AzureBatchRunIT {
    private static final Duration ONE_RUN = Duration.ofMinutes(4);
    /** Under target/: Azurite is installed from npm on the first run and reused by the next. */
    private static final Path DATA = Path.of("target", "it-azure-batch").toAbsolutePath();

    /** Where `run --emulate` installs Azurite on its first run: {@code <data-dir>/emulators/azurite-install}. */
    private static final Path INSTALL = DATA.resolve("data").resolve("emulators").resolve("azurite-install");

    private static ProcessRun run(String example) throws Exception {
        Files.createDirectories(DATA);
        reuseTheBuildsAzurite();
        return ProcessRun.of(DATA, Map.of(), ONE_RUN, ProcessRun.conveyorJar("run", "--emulate",
                Path.of("examples", example).toAbsolutePath().toString(), "--data-dir", DATA.resolve("data").toString()));
    }

    /**
     * The unit tests installed Azurite into {@code target/azurite} with the same installer and version
     * ({@code SharedAzurite}): the runs here use that copy instead of a second {@code npm install}
     * (~40 s). Run alone, without it, the first run installs Azurite as a user's first run does.
     */
    private static void reuseTheBuildsAzurite() throws Exception {
        Path built = SharedAzurite.INSTALL_DIR.toAbsolutePath();
        if (Files.exists(built.resolve("node_modules/azurite/dist/src/blob/main.js")) && !Files.exists(INSTALL, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(INSTALL.getParent());
            Files.createSymbolicLink(INSTALL, built);
        }
    }

    @Test
    void theDdeutilShapedExampleRunsOnTheEmulatorsAndPrintsSucceeded() throws Exception {
        ProcessRun r = run("azure-batch.yaml");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).contains("Emulating azure-batch: the Azure Batch emulator at http://127.0.0.1:")
                .contains("job DISPATCHED").doesNotContain("Exception");
        assertThat(r.out()).contains("(azure-batch-etl): SUCCEEDED").contains("| wrote 4 rows").contains("| sum=10")
                .contains("output: summary.txt").contains("/devstoreaccount1/");
    }

    @Test
    void microsoftsQuickstartFlowRunsOnTheEmulatorsAndPrintsSucceeded() throws Exception {
        ProcessRun r = run("azure-seed.yaml");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("(azure-seed): SUCCEEDED").contains("task0").contains("task2")
                .contains("| 6 taskdata0.txt").contains("output: words.txt");
    }
}
