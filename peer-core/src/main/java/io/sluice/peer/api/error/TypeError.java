package io.sluice.peer.api.error;

/** W3C/WebIDL {@code TypeError}: an argument has the wrong type or an invalid value. */
public final class TypeError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public TypeError(String message) {
        super(message, null);
    }

    public TypeError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "TypeError";
    }
}
