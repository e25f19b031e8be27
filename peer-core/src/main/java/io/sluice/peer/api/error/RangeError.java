package io.sluice.peer.api.error;

/** W3C/WebIDL {@code RangeError}: a numeric argument is out of range. */
public final class RangeError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public RangeError(String message) {
        super(message, null);
    }

    public RangeError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "RangeError";
    }
}
