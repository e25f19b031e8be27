package io.sluice.peer.api.error;

/** W3C/WebIDL {@code InvalidModificationError}: a configuration change that may not be made after construction. */
public final class InvalidModificationError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public InvalidModificationError(String message) {
        super(message, null);
    }

    public InvalidModificationError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "InvalidModificationError";
    }
}
