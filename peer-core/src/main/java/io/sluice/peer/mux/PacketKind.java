package io.sluice.peer.mux;

/**
 * What a datagram received on an ICE transport carries, told from its first byte (RFC 7983 §7,
 * which updates RFC 5764 §5.1.2):
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--&gt; STUN
 *                  |      [16..19] -+--&gt; ZRTP
 *   packet --&gt;     |      [20..63] -+--&gt; DTLS
 *                  |      [64..79] -+--&gt; TURN channel
 *                  |    [128..191] -+--&gt; RTP/RTCP
 *                  +----------------+
 * </pre>
 *
 * Anything else is {@link #UNKNOWN} and is dropped by the demultiplexer.
 */
public enum PacketKind {
    STUN,
    ZRTP,
    DTLS,
    TURN_CHANNEL,
    RTP_RTCP,
    UNKNOWN;

    /** Classifies a datagram by its first byte; never throws. */
    public static PacketKind classify(byte firstByte) {
        int b = firstByte & 0xff;
        if (b <= 3) {
            return STUN;
        }
        if (b >= 16 && b <= 19) {
            return ZRTP;
        }
        if (b >= 20 && b <= 63) {
            return DTLS;
        }
        if (b >= 64 && b <= 79) {
            return TURN_CHANNEL;
        }
        if (b >= 128 && b <= 191) {
            return RTP_RTCP;
        }
        return UNKNOWN;
    }

    /** Classifies a whole datagram; an empty one is {@link #UNKNOWN}. */
    public static PacketKind classify(byte[] datagram, int offset, int length) {
        if (datagram == null || length <= 0 || offset < 0 || offset >= datagram.length) {
            return UNKNOWN;
        }
        return classify(datagram[offset]);
    }

    /** True when the first byte puts the datagram in the DTLS range (20..63). */
    public static boolean isDtls(byte firstByte) {
        int b = firstByte & 0xff;
        return b >= 20 && b <= 63;
    }
}
