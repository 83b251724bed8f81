package dev.conveyor.ops;

/**
 * One dependency this process needs before it can do its work: the Kafka broker, the object store,
 * the compute backends' credentials, the stages' outputs. Every {@code @ApplicationScoped} bean that
 * implements it is probed by {@link ConveyorReadinessCheck} and shown in {@code /q/health/ready}.
 * <p>
 * A probe may block (it runs on a worker thread); it is called at most once per
 * {@code conveyor.health.cache-ttl} and given {@code conveyor.health.timeout} to answer, so it may be
 * a real remote call. The detail it returns is shown to anyone who can reach the health endpoint:
 * never put a secret in it (an account name is fine, a key or token never).
 */
public interface ReadinessContributor {

    /** A short, stable name for the health report, e.g. {@code kafka-broker}. */
    String name();

    /** Checks the dependency; a thrown exception counts as DOWN with its message. */
    ProbeResult probe() throws Exception;
}
