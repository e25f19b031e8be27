package io.sluice.peer.dtls;

import java.util.Arrays;

/**
 * DTLS-SRTP protection profiles we negotiate with the {@code use_srtp} extension (RFC 5764 §4.1.2,
 * RFC 7714 §14.2), with the master key and salt lengths that size the exported keying material.
 */
public enum SrtpProfile {
    /** RFC 7714; preferred. */
    AEAD_AES_128_GCM(0x0007, 16, 12),
    /** RFC 7714. */
    AEAD_AES_256_GCM(0x0008, 32, 12),
    /** RFC 5764; the one every WebRTC peer supports. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14),
    /** RFC 5764; 32-bit tag, for RTP only (RTCP keeps the 80-bit tag). */
    AES128_CM_HMAC_SHA1_32(0x0002, 16, 14);

    private final int id;
    private final int keyLength;
    private final int saltLength;

    SrtpProfile(int id, int keyLength, int saltLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    /** The two-byte SRTPProtectionProfile value of RFC 5764 §4.1.2. */
    public int id() {
        return id;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Bytes to export with the "EXTRACTOR-dtls_srtp" label: 2 * (key + salt). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile with this wire value, or null. */
    public static SrtpProfile ofId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    static int[] ids(SrtpProfile... profiles) {
        return Arrays.stream(profiles).mapToInt(SrtpProfile::id).toArray();
    }
}
