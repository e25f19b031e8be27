package io.sluice.peer.api.error;

/** W3C/WebIDL {@code InvalidCharacterError}: a string contains characters not allowed. */
public final class InvalidCharacterError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public InvalidCharacterError(String message) {
        super(message, null);
    }

    public InvalidCharacterError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "InvalidCharacterError";
    }
}
