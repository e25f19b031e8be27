package io.sluice.peer.api.error;

/** W3C/WebIDL {@code InvalidStateError}: the object is in the wrong state for the call. */
public final class InvalidStateError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public InvalidStateError(String message) {
        super(message, null);
    }

    public InvalidStateError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "InvalidStateError";
    }
}
