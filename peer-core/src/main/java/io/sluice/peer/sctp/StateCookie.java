package io.sluice.peer.sctp;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The state cookie of INIT-ACK (RFC 9260 §5.1.3): everything needed to build the association from
 * a COOKIE-ECHO alone, so a listener keeps no state before the cookie comes back. Signed with
 * HMAC-SHA256 under a per-association secret; the peer cannot forge or alter it.
 *
 * <pre>
 *  magic "SLC1" | my tag | my initial TSN | peer tag | peer initial TSN | peer a_rwnd
 *  | peer OS (16) | peer MIS (16) | peer features (8) | created at (64, ns) | HMAC-SHA256 (32)
 * </pre>
 */
record StateCookie(int myTag, int myInitialTsn, int peerTag, int peerInitialTsn, long peerRwnd,
        int peerOutboundStreams, int peerInboundStreams, int peerFeatures, long createdAtNanos) {

    static final int FEATURE_FORWARD_TSN = 1;
    static final int FEATURE_RECONFIG = 2;
    static final int FEATURE_INTERLEAVING = 4;

    private static final int MAGIC = 0x534c4331;
    private static final int BODY = 4 + 4 + 4 + 4 + 4 + 4 + 2 + 2 + 1 + 8;
    static final int LENGTH = BODY + 32;

    byte[] sign(Mac mac) {
        ByteWriter w = new ByteWriter(LENGTH);
        w.u32(MAGIC).u32(myTag).u32(myInitialTsn).u32(peerTag).u32(peerInitialTsn).u32(peerRwnd)
                .u16(peerOutboundStreams).u16(peerInboundStreams).u8(peerFeatures).i64(createdAtNanos);
        byte[] body = w.toByteArray();
        w.bytes(mac.doFinal(body));
        return w.toByteArray();
    }

    /** Verifies the signature; null when the cookie is not one of ours (or was altered). */
    static StateCookie verify(Mac mac, byte[] cookie) {
        if (cookie.length != LENGTH) {
            return null;
        }
        mac.update(cookie, 0, BODY);
        byte[] expected = mac.doFinal();
        byte[] actual = new byte[32];
        System.arraycopy(cookie, BODY, actual, 0, 32);
        if (!MessageDigest.isEqual(expected, actual)) {
            return null;
        }
        try {
            ByteReader r = new ByteReader(cookie, 0, BODY);
            if (r.i32() != MAGIC) {
                return null;
            }
            return new StateCookie(r.i32(), r.i32(), r.i32(), r.i32(), r.u32(), r.u16(), r.u16(), r.u8(), r.i64());
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    static Mac newMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
