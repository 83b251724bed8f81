package dev.conveyor.ops;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import dev.conveyor.kafka.AdminClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The broker answers a {@code describeCluster}. One Admin client is kept for the life of the
 * process (a new one per probe would open new connections each time); it takes every
 * {@code kafka.*} setting the channels use, so TLS/SASL clusters are probed the same way.
 */
@ApplicationScoped
public class KafkaBrokerReadiness implements ReadinessContributor {

    private final Map<String, Object> kafkaConfig;
    private final Duration timeout;
    private Admin admin;

    @Inject
    public KafkaBrokerReadiness(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, HealthConfig health) {
        this(kafkaConfig, health.timeout());
    }

    KafkaBrokerReadiness(Map<String, Object> kafkaConfig, Duration timeout) {
        this.kafkaConfig = new HashMap<>(kafkaConfig);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "kafka-broker";
    }

    @Override
    public ProbeResult probe() throws Exception {
        int timeoutMs = (int) timeout.toMillis();
        DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
        Collection<Node> nodes = cluster.nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        String clusterId = cluster.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
        return nodes.isEmpty()
                ? ProbeResult.down("the cluster reports no brokers")
                : ProbeResult.up(nodes.size() + (nodes.size() == 1 ? " broker" : " brokers") + ", cluster " + clusterId);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = AdminClients.create(kafkaConfig, "conveyor-readiness", timeout);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
