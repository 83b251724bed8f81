package dev.conveyor.cli;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The Kafka clients of the CLI, with timeouts short enough that an unreachable broker is reported
 * within about {@link #API_TIMEOUT} instead of the clients' 60 s defaults.
 */
final class KafkaClients {
    /** How long any one Kafka call may take before the broker counts as unreachable. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(10);
    /** How long a first TCP connection to a bootstrap address may take. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private KafkaClients() {
    }

    /** A read_committed consumer without a group (it assigns partitions itself). */
    static KafkaConsumer<String, String> consumer(String bootstrap) {
        Map<String, Object> config = common(bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_MESSAGE_BYTES);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> config = common(bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
        // send() waits at most this long for the topic's metadata, i.e. for the broker to answer.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, API_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> common(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis() - 1000);
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 5_000L);
        config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 5_000L);
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000L);
        return config;
    }

    /**
     * Fails fast when no bootstrap address accepts a connection (nothing listening, no route): the
     * common mistake, reported in a second instead of after the clients' timeouts. An address that
     * accepts connections but does not answer as Kafka is left to those timeouts.
     */
    static void requireReachable(String bootstrap) {
        IOException last = null;
        for (String address : bootstrap.split(",")) {
            String hostPort = address.trim();
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw CliException.badInput("'" + hostPort + "' is not a Kafka address: use host:port");
            }
            try (Socket socket = new Socket()) {
                String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
                socket.connect(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))),
                        (int) CONNECT_TIMEOUT.toMillis());
                return;
            } catch (NumberFormatException e) {
                throw CliException.badInput("'" + hostPort + "' is not a Kafka address: the port is not a number");
            } catch (IOException e) {
                last = e;
            }
        }
        throw new CliException(ExitCodes.KAFKA_UNREACHABLE, "cannot reach Kafka at " + bootstrap + " ("
                + (last == null ? "no address" : last.getMessage()) + "); is it running? Set --bootstrap-servers or "
                + "KAFKA_BOOTSTRAP_SERVERS", last);
    }

    /** Runs one Kafka call; a timeout becomes "cannot reach Kafka at {@code bootstrap}". */
    static <T> T call(String bootstrap, Supplier<T> call) {
        try {
            return call.get();
        } catch (TimeoutException e) {
            throw CliException.kafkaUnreachable(bootstrap, e);
        }
    }

    /** Whether {@code e} (or one of its causes) is a Kafka client timeout. */
    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ExecutionException && t.getCause() instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
