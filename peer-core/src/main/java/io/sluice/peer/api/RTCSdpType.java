package io.sluice.peer.api;

/** W3C RTCSdpType. */
public enum RTCSdpType {
    OFFER("offer"),
    PRANSWER("pranswer"),
    ANSWER("answer"),
    ROLLBACK("rollback");

    private final String spec;

    RTCSdpType(String spec) {
        this.spec = spec;
    }

    /** The W3C spelling. */
    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }

    /** Parses the W3C spelling; {@code null} if it names no value. */
    public static RTCSdpType fromSpec(String value) {
        for (RTCSdpType v : values()) {
            if (v.spec.equals(value)) {
                return v;
            }
        }
        return null;
    }
}
