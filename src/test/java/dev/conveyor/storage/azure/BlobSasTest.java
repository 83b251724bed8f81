package dev.conveyor.storage.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SAS signing: expiry never past the longest validity, and user delegation keys fetched once and reused until they must not be. */
class BlobSasTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T10:00:00Z"));
    private final List<OffsetDateTime[]> fetches = new ArrayList<>();

    private final BlobSas.DelegationKeys keys = (start, expiry) -> {
        fetches.add(new OffsetDateTime[] {start, expiry});
        return new UserDelegationKey().setSignedObjectId("oid-1").setSignedTenantId("tid-1").setSignedStart(start)
                .setSignedExpiry(expiry).setSignedService("b").setSignedVersion("2025-01-05").setValue(KEY);
    };

    private static BlobClient blob() {
        return new BlobClientBuilder().endpoint("https://acct.blob.core.windows.net").containerName("c").blobName("jobs/j/a.txt")
                .credential(new StorageSharedKeyCredential("acct", KEY)).buildClient();
    }

    @Test
    void userDelegationSasCarriesTheDelegationKeysIdentityAndReusesTheKey() {
        BlobSas sas = new BlobSas(keys, clock, Duration.ofDays(30), true, "acct");
        OffsetDateTime expiry = sas.expiry(clock.instant().plus(Duration.ofHours(2)));

        String first = sas.forBlob(blob(), new BlobSasPermission().setReadPermission(true), expiry);
        String second = sas.forBlob(blob(), new BlobSasPermission().setReadPermission(true), expiry);

        assertThat(first).contains("skoid=oid-1").contains("sktid=tid-1").contains("sks=b").contains("sig=")
                .contains("spr=https&").doesNotContain("spr=https%2Chttp");
        assertThat(second).contains("skoid=oid-1");
        assertThat(fetches).hasSize(1);
        assertThat(fetches.get(0)[1]).isEqualTo(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plus(BlobSas.MAX_DELEGATION));
    }

    @Test
    void aDelegationKeyIsRenewedAnHourBeforeItExpires() {
        BlobSas sas = new BlobSas(keys, clock, Duration.ofDays(7), true, "acct");
        sas.delegationKey(sas.expiry(clock.instant().plusSeconds(60)));
        clock.advance(BlobSas.MAX_DELEGATION.minus(Duration.ofMinutes(61)));
        sas.delegationKey(sas.expiry(clock.instant().plusSeconds(60)));
        assertThat(fetches).hasSize(1);
        clock.advance(Duration.ofMinutes(2));
        sas.delegationKey(sas.expiry(clock.instant().plusSeconds(60)));
        assertThat(fetches).hasSize(2);
    }

    @Test
    void aSasThatMustOutliveTheCachedKeyGetsANewKey() {
        BlobSas sas = new BlobSas(keys, clock, Duration.ofDays(7), true, "acct");
        sas.delegationKey(sas.expiry(clock.instant().plusSeconds(60)));
        clock.advance(Duration.ofDays(2));
        sas.delegationKey(sas.expiry(clock.instant().plus(Duration.ofDays(6))));
        assertThat(fetches).hasSize(2);
    }

    @Test
    void expiryIsClampedToTheLongestValidityAndToWholeSeconds() {
        BlobSas keySigned = new BlobSas(null, clock, Duration.ofDays(30), false, "acct");
        assertThat(keySigned.expiry(clock.instant().plus(Duration.ofDays(400))).toInstant())
                .isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(keySigned.expiry(clock.instant().plusMillis(2500)).toInstant()).isEqualTo(clock.instant().plusSeconds(2));
        BlobSas delegated = new BlobSas(keys, clock, Duration.ofDays(30), true, "acct");
        assertThat(delegated.expiry(clock.instant().plus(Duration.ofDays(400))).toInstant())
                .isEqualTo(clock.instant().plus(BlobSas.MAX_DELEGATION));
    }

    @Test
    void keySignedSasHasNoDelegationFieldsAndAllowsHttpOnlyForPlainHttpEndpoints() {
        BlobSas sas = new BlobSas(null, clock, Duration.ofDays(7), false, "acct");
        String token = sas.forBlob(blob(), new BlobSasPermission().setReadPermission(true), sas.expiry(clock.instant().plusSeconds(60)));
        assertThat(token).doesNotContain("skoid").contains("spr=https%2Chttp").contains("sp=r&");
        assertThat(fetches).isEmpty();
    }
}
