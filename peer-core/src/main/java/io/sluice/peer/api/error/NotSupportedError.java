package io.sluice.peer.api.error;

/** W3C/WebIDL {@code NotSupportedError}: the requested feature or parameter is not supported. */
public final class NotSupportedError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public NotSupportedError(String message) {
        super(message, null);
    }

    public NotSupportedError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "NotSupportedError";
    }
}
