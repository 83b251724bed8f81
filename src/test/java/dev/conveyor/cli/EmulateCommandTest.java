package dev.conveyor.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code conveyor emulate … --host}: by default an emulator answers on the loopback address only;
 * with {@code --host 0.0.0.0} (what docker/docker-compose.yml asks for) on every interface, so other
 * containers reach it. Checked through a non-loopback address of this machine.
 */
class EmulateCommandTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Optional<InetAddress> external;

    @BeforeAll
    static void findAnAddressThatIsNotLoopback() throws IOException {
        external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(EmulateCommandTest::up)
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean up(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (IOException e) {
            return false;
        }
    }

    private static AutoCloseable start(String emulator, String... options) {
        if (emulator.equals("azure-batch")) {
            EmulateCommand.AzureBatch command = new EmulateCommand.AzureBatch();
            new CommandLine(command).parseArgs(options);
            return command.start();
        }
        EmulateCommand.AwsBatch command = new EmulateCommand.AwsBatch();
        new CommandLine(command).parseArgs(options);
        return command.start();
    }

    private static String endpoint(AutoCloseable emulator) {
        return emulator instanceof dev.conveyor.emulator.azure.AzureBatchEmulator a ? a.endpoint()
                : ((dev.conveyor.emulator.aws.AwsBatchEmulator) emulator).endpoint();
    }

    private static int stats(String host, int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/emulator/stats")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure-batch", "aws-batch"})
    void answersOnEveryInterfaceOnlyWhenAskedTo(String emulator) throws Exception {
        assumeTrue(external.isPresent(), "not checked: this machine has no non-loopback IPv4 address to reach the emulator by");
        String address = external.get().getHostAddress();

        try (AutoCloseable local = start(emulator, "--port", "0")) {
            int port = URI.create(endpoint(local)).getPort();
            assertThat(stats("127.0.0.1", port)).isEqualTo(200);
            assertThatThrownBy(() -> stats(address, port)).as("reached through %s", address).isInstanceOf(ConnectException.class);
        }
        try (AutoCloseable everywhere = start(emulator, "--host", "0.0.0.0", "--port", "0")) {
            URI endpoint = URI.create(endpoint(everywhere));
            assertThat(endpoint.getHost()).as("an endpoint a client can connect to").isEqualTo("127.0.0.1");
            assertThat(stats(address, endpoint.getPort())).isEqualTo(200);
            assertThat(stats("127.0.0.1", endpoint.getPort())).isEqualTo(200);
        }
    }
}
