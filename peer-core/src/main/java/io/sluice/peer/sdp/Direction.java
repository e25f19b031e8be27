package io.sluice.peer.sdp;

/**
 * The direction attributes {@code a=sendrecv}, {@code a=sendonly}, {@code a=recvonly} and
 * {@code a=inactive}; valid at session and media level, the media level winning.
 */
public enum Direction {
    SENDRECV("sendrecv"), SENDONLY("sendonly"), RECVONLY("recvonly"), INACTIVE("inactive");

    private final String spec;

    Direction(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The direction as seen from the other side (sendonly becomes recvonly). */
    public Direction reverse() {
        switch (this) {
            case SENDONLY: return RECVONLY;
            case RECVONLY: return SENDONLY;
            default: return this;
        }
    }

    /** The direction attribute named {@code name}, or null when it is not one. */
    public static Direction fromName(String name) {
        for (Direction d : values()) {
            if (d.spec.equals(name)) {
                return d;
            }
        }
        return null;
    }

    public Attribute toAttribute() {
        return Attribute.flag(spec);
    }
}
