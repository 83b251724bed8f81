package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.credentials.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AWS account each job runs in, and one {@link BatchApi} per account. A job's account is its
 * profile's ({@code conveyor.profiles.<name>.aws.*}), with the ddeutil options {@code region_name},
 * {@code aws_access_key_id} and {@code aws_secret_access_key} (resolved from allow-listed
 * {@code ${NAME}}s, in memory only) over it. Handles carry the account's key — the profile name, or
 * the profile name and a hash of the access key id when the request brought its own keys — never a
 * credential.
 */
final class AwsAccounts implements AutoCloseable {
    private final Profiles profiles;
    private final Map<String, BatchApi> apis = new ConcurrentHashMap<>();
    private final Map<String, AwsAccount> accounts = new ConcurrentHashMap<>();

    AwsAccounts(Profiles profiles) {
        this.profiles = profiles;
    }

    /** The key of the job's account (and makes sure its clients exist). */
    String keyFor(BackendJob job) {
        String profile = job.profile() == null ? Profiles.DEFAULT : job.profile().name();
        AwsAccount base = job.profile() != null && job.profile().aws() != null ? job.profile().aws()
                : profiles.find(profile).map(Profile::aws).orElse(null);
        String region = option(job, "region_name", "region");
        String keyId = option(job, "aws_access_key_id", "accessKeyId");
        String secret = option(job, "aws_secret_access_key", "secretAccessKey");
        if (base == null && (keyId == null || region == null)) {
            throw new TerminalComputeException("NoAwsAccount", "profile '" + profile + "' has no AWS account (set "
                    + "conveyor.profiles." + profile + ".aws.region and keys, or the default provider chain is used"
                    + " when only the region is set)", null);
        }
        String key = profile;
        AwsAccount account = base;
        boolean ownKeys = keyId != null && secret != null && (base == null || !keyId.equals(base.accessKeyId()));
        boolean ownRegion = region != null && (base == null || !region.equals(base.region()));
        if (ownKeys || ownRegion) {
            String r = region != null ? region : base.region();
            account = new AwsAccount(r, ownKeys ? keyId : base.accessKeyId(),
                    ownKeys ? Secret.of(secret) : base.secretAccessKey(), ownKeys ? null : base.sessionToken(),
                    base == null ? null : base.batchEndpoint(), base == null ? null : base.logsEndpoint(),
                    base == null ? null : base.s3Endpoint(), base != null && base.s3PathStyle());
            key = profile + "." + hash((ownKeys ? keyId : "") + "|" + r);
        }
        AwsAccount a = account;
        accounts.putIfAbsent(key, a);
        apis.computeIfAbsent(key, k -> new BatchApi(a));
        return key;
    }

    /** The clients of an account by key: known ones, or a plain profile's. */
    Optional<BatchApi> api(String key) {
        BatchApi api = apis.get(key);
        if (api != null) {
            return Optional.of(api);
        }
        if (key.contains(".")) {
            return Optional.empty(); // a request's own keys: known once a driver of that job touched it here
        }
        return profiles.find(key).map(Profile::aws).map(a -> apis.computeIfAbsent(key, k -> new BatchApi(a)));
    }

    BatchApi api(BackendJob job) {
        return apis.get(keyFor(job));
    }

    /** Every account in use, and those of the profiles set up for AWS Batch (for the reaper and readiness). */
    Map<String, BatchApi> all() {
        for (String name : profiles.names()) {
            profiles.find(name).filter(AwsAccounts::forBatch).map(Profile::aws)
                    .ifPresent(a -> apis.computeIfAbsent(name, k -> new BatchApi(a)));
        }
        return Map.copyOf(apis);
    }

    /**
     * A profile is set up for AWS Batch when it has an AWS account and names a Batch endpoint or a
     * default job queue (a profile that only reaches an S3 bucket is not).
     */
    static boolean forBatch(Profile p) {
        if (p.aws() == null) {
            return false;
        }
        return (p.aws().batchEndpoint() != null && !p.aws().batchEndpoint().isBlank())
                || p.defaults().containsKey("job_queue_arn") || p.defaults().containsKey("jobQueue");
    }

    static boolean anyForBatch(Profiles profiles) {
        return profiles.names().stream().map(profiles::find).flatMap(Optional::stream).anyMatch(AwsAccounts::forBatch);
    }

    /** A provider option: the request's ({@code runsOn.with}, either name), else the profile's default. */
    String option(BackendJob job, String... names) {
        for (String n : names) {
            String v = job.options().get(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        Profile p = job.profile() != null && !job.profile().defaults().isEmpty() ? job.profile()
                : profiles.find(job.profile() == null ? Profiles.DEFAULT : job.profile().name()).orElse(null);
        if (p != null) {
            for (String n : names) {
                String v = p.defaults().get(n);
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The profile defaults' queue of an account key (for the reaper), if any. */
    Optional<String> defaultQueue(String key) {
        String profile = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        return profiles.find(profile).map(p -> {
            String q = p.defaults().get("job_queue_arn");
            return q != null ? q : p.defaults().get("jobQueue");
        });
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        apis.values().forEach(BatchApi::close);
        apis.clear();
    }
}
