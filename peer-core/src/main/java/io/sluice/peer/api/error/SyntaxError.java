package io.sluice.peer.api.error;

/** W3C/WebIDL {@code SyntaxError}: the input does not parse (SDP, candidate). */
public final class SyntaxError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public SyntaxError(String message) {
        super(message, null);
    }

    public SyntaxError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "SyntaxError";
    }
}
