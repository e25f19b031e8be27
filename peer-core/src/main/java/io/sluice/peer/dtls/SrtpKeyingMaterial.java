package io.sluice.peer.dtls;

import java.util.Arrays;

/**
 * SRTP master keys and salts derived from a DTLS handshake (RFC 5764 §4.2). The exported
 * material is split as {@code client_write_SRTP_master_key | server_write_SRTP_master_key |
 * client_write_SRTP_master_salt | server_write_SRTP_master_salt}.
 *
 * <p>Holds secrets: {@link #toString()} prints only the profile. The accessors return copies.
 */
public final class SrtpKeyingMaterial {

    private final SrtpProfile profile;
    private final boolean localIsClient;
    private final byte[] clientKey;
    private final byte[] serverKey;
    private final byte[] clientSalt;
    private final byte[] serverSalt;

    /**
     * Splits exported keying material.
     *
     * @param material      exactly {@code profile.keyingMaterialLength()} bytes
     * @param localIsClient whether this side was the DTLS client
     */
    public static SrtpKeyingMaterial split(SrtpProfile profile, byte[] material, boolean localIsClient) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("keying material is " + material.length + " bytes, "
                    + profile + " needs " + profile.keyingMaterialLength());
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        return new SrtpKeyingMaterial(profile, localIsClient,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    private SrtpKeyingMaterial(SrtpProfile profile, boolean localIsClient, byte[] clientKey, byte[] serverKey,
                               byte[] clientSalt, byte[] serverSalt) {
        this.profile = profile;
        this.localIsClient = localIsClient;
        this.clientKey = clientKey;
        this.serverKey = serverKey;
        this.clientSalt = clientSalt;
        this.serverSalt = serverSalt;
    }

    public SrtpProfile profile() {
        return profile;
    }

    public byte[] clientWriteKey() {
        return clientKey.clone();
    }

    public byte[] serverWriteKey() {
        return serverKey.clone();
    }

    public byte[] clientWriteSalt() {
        return clientSalt.clone();
    }

    public byte[] serverWriteSalt() {
        return serverSalt.clone();
    }

    /** The key this side protects outgoing SRTP with. */
    public byte[] localWriteKey() {
        return localIsClient ? clientWriteKey() : serverWriteKey();
    }

    public byte[] localWriteSalt() {
        return localIsClient ? clientWriteSalt() : serverWriteSalt();
    }

    /** The key the peer protects its SRTP with (our receive key). */
    public byte[] remoteWriteKey() {
        return localIsClient ? serverWriteKey() : clientWriteKey();
    }

    public byte[] remoteWriteSalt() {
        return localIsClient ? serverWriteSalt() : clientWriteSalt();
    }

    @Override
    public String toString() {
        return "SrtpKeyingMaterial{" + profile + "}";
    }
}
