package dev.conveyor.storage.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Service SAS for one blob or one container, always with an expiry. With the account key they are
 * signed with it; with an Entra ID credential they are user-delegation SAS, signed with a user
 * delegation key fetched from the service (Get User Delegation Key, one call) and kept until an
 * hour before it expires — or until a SAS must outlive it. Azure caps a delegation key, and so such
 * a SAS, at 7 days.
 *
 * <p>A SAS allows HTTPS and, only when the account endpoint is plain HTTP (an emulator), HTTP.
 */
final class BlobSas {
    /** Azure's limit on a user delegation key's (and its SAS's) lifetime, less a margin for clock skew. */
    static final Duration MAX_DELEGATION = Duration.ofDays(7).minusMinutes(2);
    private static final Duration KEY_REFRESH_BEFORE = Duration.ofHours(1);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** Get User Delegation Key: one call to the service, with the store's Entra ID token. */
    interface DelegationKeys {
        UserDelegationKey fetch(OffsetDateTime start, OffsetDateTime expiry);
    }

    private final DelegationKeys delegationKeys;
    private final Clock clock;
    private final Duration maxValidity;
    private final SasProtocol protocol;
    private final String accountName;
    private UserDelegationKey cachedKey;

    /**
     * @param delegationKeys null to sign with the account key (the clients were built with it);
     *                       else the source of user delegation keys
     */
    BlobSas(DelegationKeys delegationKeys, Clock clock, Duration maxValidity, boolean httpsOnly, String accountName) {
        this.delegationKeys = delegationKeys;
        this.clock = clock;
        this.maxValidity = delegationKeys == null || maxValidity.compareTo(MAX_DELEGATION) < 0 ? maxValidity : MAX_DELEGATION;
        this.protocol = httpsOnly ? SasProtocol.HTTPS_ONLY : SasProtocol.HTTPS_HTTP;
        this.accountName = accountName;
    }

    boolean usesUserDelegation() {
        return delegationKeys != null;
    }

    /** The expiry a SAS asked to last until {@code requested} gets: never later than the longest validity, whole seconds. */
    OffsetDateTime expiry(Instant requested) {
        Instant latest = clock.instant().plus(maxValidity);
        Instant e = requested.isAfter(latest) ? latest : requested;
        return OffsetDateTime.ofInstant(e.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    }

    String forBlob(BlobClient blob, BlobSasPermission permission, OffsetDateTime expiry) {
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expiry, permission).setProtocol(protocol);
        return delegationKeys == null ? blob.generateSas(values)
                : blob.generateUserDelegationSas(values, delegationKey(expiry), accountName, com.azure.core.util.Context.NONE);
    }

    String forContainer(BlobContainerClient container, BlobContainerSasPermission permission, OffsetDateTime expiry) {
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expiry, permission).setProtocol(protocol);
        return delegationKeys == null ? container.generateSas(values)
                : container.generateUserDelegationSas(values, delegationKey(expiry), accountName, com.azure.core.util.Context.NONE);
    }

    /** The cached key when it outlives {@code sasExpiry} and is not about to expire; else a fresh one. */
    synchronized UserDelegationKey delegationKey(OffsetDateTime sasExpiry) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (cachedKey == null || cachedKey.getSignedExpiry().isBefore(sasExpiry)
                || !now.isBefore(cachedKey.getSignedExpiry().minus(KEY_REFRESH_BEFORE))) {
            cachedKey = delegationKeys.fetch(now.minus(CLOCK_SKEW).truncatedTo(ChronoUnit.SECONDS),
                    now.plus(MAX_DELEGATION).truncatedTo(ChronoUnit.SECONDS));
        }
        return cachedKey;
    }
}
