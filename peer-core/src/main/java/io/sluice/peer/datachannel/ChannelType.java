package io.sluice.peer.datachannel;

/**
 * The DCEP channel type (RFC 8832 §5.1, IANA "Channel Types"): reliability mode plus the
 * unordered bit 0x80.
 */
public enum ChannelType {
    RELIABLE(0x00),
    PARTIAL_RELIABLE_REXMIT(0x01),
    PARTIAL_RELIABLE_TIMED(0x02),
    RELIABLE_UNORDERED(0x80),
    PARTIAL_RELIABLE_REXMIT_UNORDERED(0x81),
    PARTIAL_RELIABLE_TIMED_UNORDERED(0x82);

    private final int code;

    ChannelType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    public boolean ordered() {
        return (code & 0x80) == 0;
    }

    /** Retransmissions are limited; the reliability parameter is the limit. */
    public boolean rexmit() {
        return (code & 0x7f) == 0x01;
    }

    /** Lifetime is limited; the reliability parameter is milliseconds. */
    public boolean timed() {
        return (code & 0x7f) == 0x02;
    }

    public boolean reliable() {
        return (code & 0x7f) == 0x00;
    }

    /** The type for a W3C channel configuration (at most one of the two limits is set). */
    public static ChannelType of(boolean ordered, Integer maxRetransmits, Integer maxPacketLifeTime) {
        int base = maxRetransmits != null ? 0x01 : maxPacketLifeTime != null ? 0x02 : 0x00;
        return fromCode(ordered ? base : base | 0x80);
    }

    /** The type with this wire value, or null for an unassigned or reserved value. */
    public static ChannelType fromCode(int code) {
        for (ChannelType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
