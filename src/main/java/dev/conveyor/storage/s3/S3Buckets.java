package dev.conveyor.storage.s3;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.io.IOException;

/** Bucket-level set-up: create the store's bucket when it is missing (conveyor.storage.s3.create-bucket). */
final class S3Buckets {
    private S3Buckets() {
    }

    static void createIfMissing(S3Client client, String bucket, S3Errors errors) throws IOException {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return;
        } catch (NoSuchBucketException missing) {
            // create it below
        } catch (SdkException e) {
            throw errors.map("HeadBucket", e);
        }
        // us-east-1 takes no location constraint; every other region needs its own name
        Region region = client.serviceClientConfiguration().region();
        CreateBucketConfiguration where = Region.US_EAST_1.equals(region)
                ? null : CreateBucketConfiguration.builder().locationConstraint(region.id()).build();
        try {
            client.createBucket(b -> b.bucket(bucket).createBucketConfiguration(where));
        } catch (BucketAlreadyOwnedByYouException raced) {
            // another instance made it first
        } catch (SdkException e) {
            throw errors.map("CreateBucket", e);
        }
    }
}
