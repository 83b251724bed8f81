package dev.conveyor.compute.aws;

import java.time.Duration;

/**
 * The AWS Batch backend's own settings (service-wide; per-job options come from the profile and
 * {@code runsOn.with}).
 *
 * @param submitRate      most SubmitJob calls per second (AWS's account quota is 50 TPS); the
 *                        throttle halves below it on TooManyRequestsException and ramps back ×1.2
 *                        per 100 successes
 * @param definitionTtl   a Conveyor-made job definition no job used for this long is deregistered
 * @param sweepEvery      how often (at most) release() looks for such definitions
 * @param defaultImage    the image of tasks that name none (needs {@code sh} and {@code curl} or {@code wget})
 * @param logGroup        the CloudWatch log group AWS Batch writes to
 * @param logLines        lines of the CloudWatch log put in the reason when the wrapper never ran
 */
public record AwsBatchSettings(int submitRate, Duration definitionTtl, Duration sweepEvery, String defaultImage,
                               String logGroup, int logLines) {
    public static final AwsBatchSettings DEFAULT = new AwsBatchSettings(50, Duration.ofDays(7), Duration.ofHours(1),
            "public.ecr.aws/docker/library/alpine:3.20", "/aws/batch/job", 20);

    public AwsBatchSettings {
        if (submitRate < 1 || logLines < 0) {
            throw new IllegalArgumentException("submitRate must be at least 1 and logLines not negative");
        }
    }

    public AwsBatchSettings withSubmitRate(int perSecond) {
        return new AwsBatchSettings(perSecond, definitionTtl, sweepEvery, defaultImage, logGroup, logLines);
    }

    public AwsBatchSettings withDefinitionTtl(Duration ttl) {
        return new AwsBatchSettings(submitRate, ttl, sweepEvery, defaultImage, logGroup, logLines);
    }
}
