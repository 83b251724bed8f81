package dev.conveyor.emulator.azurite;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Installs Azurite from the npm registry ({@code npm install azurite@<version>}) into a folder,
 * once: a file lock keeps two JVMs from installing into one folder at the same time, and an
 * installed version is reused. Needs {@code node} and {@code npm} on the PATH.
 */
final class AzuriteInstaller {
    private AzuriteInstaller() {
    }

    /** The blob service's entry point, installing Azurite first when it is not there yet. */
    static Path ensureInstalled(Path installDir, String version) throws IOException, InterruptedException {
        Path main = installDir.resolve("node_modules/azurite/dist/src/blob/main.js");
        Path marker = installDir.resolve("installed-" + version);
        if (Files.exists(main) && Files.exists(marker)) {
            return main;
        }
        Files.createDirectories(installDir);
        try (FileChannel lockFile = FileChannel.open(installDir.resolve(".install.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.exists(main) && Files.exists(marker)) {
                return main; // another process installed it while this one waited
            }
            npmInstall(installDir, version);
            Files.writeString(marker, version);
        }
        return main;
    }

    private static void npmInstall(Path installDir, String version) throws IOException, InterruptedException {
        // npm's output goes to a file: a test JVM's own stdout is surefire's channel to Maven.
        Path log = installDir.resolve("npm-install.log");
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", installDir.toString(),
                    "azurite@" + version).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("cannot run npm to install Azurite (node and npm must be on the PATH)", e);
        }
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            String output = Files.exists(log) ? Files.readString(log) : "";
            throw new IOException("npm install azurite@" + version + " failed:\n"
                    + output.substring(Math.max(0, output.length() - 2000)));
        }
    }
}
