package io.sluice.peer.net;

/**
 * RFC 7983 demultiplexing of one UDP 5-tuple by the first byte of each datagram:
 * STUN 0-3, ZRTP 16-19, DTLS 20-63, TURN channel 64-79, RTP/RTCP 128-191; anything else is dropped.
 */
public enum PacketKind {
    STUN, ZRTP, DTLS, TURN_CHANNEL, RTP, UNKNOWN;

    public static PacketKind classify(byte[] data) {
        if (data.length == 0) {
            return UNKNOWN;
        }
        int b = data[0] & 0xff;
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
            return RTP;
        }
        return UNKNOWN;
    }
}
