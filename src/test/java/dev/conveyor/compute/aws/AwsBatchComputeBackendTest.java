package dev.conveyor.compute.aws;

import dev.conveyor.compute.ComputeBackendContract;
import dev.conveyor.storage.ObjectStore;
import org.junit.jupiter.api.AfterAll;

/**
 * The compute contract, unchanged, on AWS Batch: the backend through the AWS SDK against the
 * project's AWS Batch emulator, files through presigned URLs of a real S3 server (S3Proxy).
 */
class AwsBatchComputeBackendTest extends ComputeBackendContract {
    private static AwsBatchFixture fixture;

    private static synchronized AwsBatchFixture fixture() {
        if (fixture == null) {
            fixture = new AwsBatchFixture("aws-contract");
        }
        return fixture;
    }

    @Override
    protected AwsBatchComputeBackend backend() { // the contract runs on this implementation
        return fixture().backend;
    }

    @Override
    protected ObjectStore store() {
        return fixture().store;
    }

    @AfterAll
    static void close() {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }
}
