package io.sluice.peer.stun;

/** The two class bits of a STUN message type (RFC 8489 §5). */
public enum StunClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** The two class bits C1C0. */
    public int bits() {
        return bits;
    }

    public boolean isResponse() {
        return this == SUCCESS_RESPONSE || this == ERROR_RESPONSE;
    }

    static StunClass ofBits(int bits) {
        switch (bits & 0b11) {
            case 0b00:
                return REQUEST;
            case 0b01:
                return INDICATION;
            case 0b10:
                return SUCCESS_RESPONSE;
            default:
                return ERROR_RESPONSE;
        }
    }
}
