package dev.conveyor.collection;

import dev.conveyor.testing.TestDirs;
import dev.conveyor.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What collection relies on to skip the offset read-back: on a real broker, the producer's commit
 * count moves when a transaction commits and stays when one aborts.
 */
class TransactionCommitsTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(TestDirs.create("txn-commits-").resolve("kafka"), 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("txn-commits", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aCommittedTransactionMovesTheCountAndAnAbortedOneDoesNot() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-commits-test"), new StringSerializer(), new StringSerializer())) {
            TransactionCommits commits = new TransactionCommits(() -> producer);
            producer.initTransactions();
            double before = commits.total();
            assertThat(before).isGreaterThanOrEqualTo(0);

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-commits", "k", "aborted"));
            producer.abortTransaction();
            assertThat(commits.total()).isEqualTo(before);

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-commits", "k", "committed"));
            producer.commitTransaction();
            assertThat(commits.total()).isGreaterThan(before);
        }
    }

    @Test
    void withoutTheMetricEveryTransactionIsCheckedTheSlowWay() {
        TransactionCommits commits = new TransactionCommits(() -> {
            throw new IllegalStateException("no producer yet");
        });
        assertThat(commits.total()).isNegative();
    }
}
