package io.sluice.peer.api.error;

/** W3C/WebIDL {@code InvalidAccessError}: the call is not allowed with these arguments (for example, a description that does not match the current negotiation). */
public final class InvalidAccessError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public InvalidAccessError(String message) {
        super(message, null);
    }

    public InvalidAccessError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "InvalidAccessError";
    }
}
