package dev.conveyor.kafka;

import dev.conveyor.config.ConveyorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Set;

/** Creates missing topics before the messaging channels connect (which happens at LIBRARY_BEFORE). */
@ApplicationScoped
public class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, ConveyorConfig config,
                 @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        if (!config.topics().create()) {
            return;
        }
        Set<String> created = TopicInitializer.ensureTopics(bootstrap, config.topics().all(),
                config.topics().partitions(), config.topics().replicationFactor());
        if (!created.isEmpty()) {
            LOG.infof("created topics %s with %d partitions", created, config.topics().partitions());
        }
    }
}
