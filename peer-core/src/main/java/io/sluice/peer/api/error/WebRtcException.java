package io.sluice.peer.api.error;

/**
 * Base of the errors the W3C API raises, one subclass per DOMException (or WebIDL error) name.
 * {@link #name()} is the W3C name ({@code "InvalidStateError"}), the message says precisely what
 * was wrong. A call that fails with one of these changed no state.
 */
public abstract class WebRtcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected WebRtcException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The W3C error name. */
    public abstract String name();

    @Override
    public String toString() {
        return name() + ": " + getMessage();
    }
}
