package dev.conveyor.compute.aws;

import dev.conveyor.compute.Resources;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.model.AssignPublicIp;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.FargatePlatformConfiguration;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.NetworkConfiguration;
import software.amazon.awssdk.services.batch.model.PlatformCapability;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job definitions named by the hash of what they hold (image, vCPUs, memory, GPUs, roles, platform), so one
 * definition serves every task that asks for the same and none is registered per run. Conveyor's
 * are tagged {@value #MANAGED}; those no job used for the TTL are deregistered by {@link #sweep};
 * definitions without the tag are never touched.
 */
final class JobDefinitions {
    private static final Logger LOG = Logger.getLogger(JobDefinitions.class);
    static final String PREFIX = "conveyor-";
    static final String MANAGED = "conveyor:managed";
    static final String CREATED = "conveyor:created";
    private static final int DEFAULT_VCPUS = 1;
    private static final long DEFAULT_MEMORY_MIB = 2048;

    /**
     * What a definition holds; two equal contents share one definition. {@code fargate}: for compute environments of
     * type FARGATE (platformCapabilities FARGATE, the ECS task's public IP as {@code publicIp} says).
     */
    record Content(String image, double vcpus, long memoryMiB, int gpus, String jobRoleArn, String executionRoleArn,
                   boolean fargate, boolean publicIp) {
        static Content of(String image, Resources r, String jobRole, String executionRole) {
            return new Content(image, r.cpus() > 0 ? r.cpus() : DEFAULT_VCPUS,
                    r.memoryMiB() > 0 ? r.memoryMiB() : DEFAULT_MEMORY_MIB, Math.max(0, r.gpus()),
                    blankToNull(jobRole), blankToNull(executionRole), false, false);
        }

        /**
         * The same for Fargate; memory not asked for is the default or, for more than 1 vCPU, the least Fargate gives
         * that many (2 GiB per vCPU). Sizes Fargate does not offer are AWS's to refuse, in its words.
         */
        static Content fargate(String image, Resources r, String jobRole, String executionRole, boolean publicIp) {
            Content c = of(image, r, jobRole, executionRole);
            long memory = r.memoryMiB() > 0 ? r.memoryMiB() : Math.max(DEFAULT_MEMORY_MIB, Math.round(2048 * c.vcpus()));
            return new Content(c.image(), c.vcpus(), memory, c.gpus(), c.jobRoleArn(), c.executionRoleArn(), true, publicIp);
        }

        String name() {
            String canonical = String.join("\n", image, vcpusText(), Long.toString(memoryMiB), Integer.toString(gpus),
                    String.valueOf(jobRoleArn), String.valueOf(executionRoleArn))
                    + (fargate ? "\nFARGATE\n" + publicIp : ""); // EC2 definitions keep the names they had
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
                return PREFIX + HexFormat.of().formatHex(h, 0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        String vcpusText() {
            return vcpus == Math.rint(vcpus) ? Long.toString((long) vcpus) : Double.toString(vcpus);
        }
    }

    private final Clock clock;
    /** Definition name → ARN of its ACTIVE revision, per account (key "account|name"). */
    private final Map<String, String> known = new ConcurrentHashMap<>();
    /** When this instance last submitted with a definition (by ARN). */
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

    JobDefinitions(Clock clock) {
        this.clock = clock;
    }

    /** The ARN of the definition for {@code content}: an ACTIVE one found by name, or a newly registered one. */
    String arnFor(String account, BatchApi api, Content content) {
        String name = content.name();
        String arn = known.computeIfAbsent(account + "|" + name, k -> api.definitions(name).stream()
                .filter(d -> "true".equals(d.tags().get(MANAGED)))
                .max((a, b) -> Integer.compare(a.revision(), b.revision()))
                .map(JobDefinition::jobDefinitionArn)
                .orElseGet(() -> register(api, name, content)));
        lastUsed.put(arn, clock.instant());
        return arn;
    }

    /** Forgets a definition this instance cached (another instance may have deregistered it). */
    void forget(String arn) {
        known.values().remove(arn);
        lastUsed.remove(arn);
    }

    private String register(BatchApi api, String name, Content c) {
        List<ResourceRequirement> req = new ArrayList<>();
        req.add(ResourceRequirement.builder().type(ResourceType.VCPU).value(c.vcpusText()).build());
        req.add(ResourceRequirement.builder().type(ResourceType.MEMORY).value(Long.toString(c.memoryMiB())).build());
        if (c.gpus() > 0) {
            req.add(ResourceRequirement.builder().type(ResourceType.GPU).value(Integer.toString(c.gpus())).build());
        }
        ContainerProperties.Builder container = ContainerProperties.builder().image(c.image())
                .command("sh", "-c", "echo 'conveyor: no command given' >&2; exit 97")
                .resourceRequirements(req);
        if (c.jobRoleArn() != null) {
            container.jobRoleArn(c.jobRoleArn());
        }
        if (c.executionRoleArn() != null) {
            container.executionRoleArn(c.executionRoleArn());
        }
        RegisterJobDefinitionRequest.Builder request = RegisterJobDefinitionRequest.builder();
        if (c.fargate()) {
            container.networkConfiguration(NetworkConfiguration.builder()
                            .assignPublicIp(c.publicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED).build())
                    .fargatePlatformConfiguration(FargatePlatformConfiguration.builder().platformVersion("LATEST").build());
            request.platformCapabilities(PlatformCapability.FARGATE);
        }
        String arn = api.register(request.jobDefinitionName(name).type("container")
                .containerProperties(container.build()).propagateTags(true)
                .tags(Map.of(MANAGED, "true", CREATED, Long.toString(clock.instant().getEpochSecond())))
                .build());
        LOG.infof("registered AWS Batch job definition %s (%s%s)", arn, c.image(), c.fargate() ? ", Fargate" : "");
        return arn;
    }

    /**
     * Deregisters Conveyor's definitions that no job used for {@code ttl}: registered longer ago
     * than that, not used by this instance since, and no job in {@code queues} created with them
     * since (asked of AWS, so it holds across restarts and instances). Returns the ARNs deregistered.
     */
    List<String> sweep(String account, BatchApi api, List<String> queues, Duration ttl) {
        Instant cutoff = clock.instant().minus(ttl);
        List<String> gone = new ArrayList<>();
        for (JobDefinition d : api.activeDefinitions()) {
            Map<String, String> tags = d.tags();
            if (!d.jobDefinitionName().startsWith(PREFIX) || !"true".equals(tags.get(MANAGED))) {
                continue; // not ours: never touched
            }
            Instant created = parseEpoch(tags.get(CREATED));
            Instant used = lastUsed.get(d.jobDefinitionArn());
            if ((created != null && created.isAfter(cutoff)) || (used != null && used.isAfter(cutoff))
                    || usedSince(api, queues, d, cutoff)) {
                continue;
            }
            api.deregister(d.jobDefinitionArn());
            known.values().remove(d.jobDefinitionArn());
            lastUsed.remove(d.jobDefinitionArn());
            gone.add(d.jobDefinitionArn());
            LOG.infof("deregistered AWS Batch job definition %s (unused for %s)", d.jobDefinitionArn(), ttl);
        }
        return gone;
    }

    private static boolean usedSince(BatchApi api, List<String> queues, JobDefinition d, Instant cutoff) {
        for (String q : queues) {
            for (JobSummary s : api.jobsUsing(q, d.jobDefinitionName() + ":" + d.revision())) {
                if (s.createdAt() != null && Instant.ofEpochMilli(s.createdAt()).isAfter(cutoff)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant parseEpoch(String s) {
        try {
            return s == null ? null : Instant.ofEpochSecond(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
