package io.sluice.gateway.peers;

/** A configured limit would be exceeded: 429 (or 413 for sizes). */
public final class LimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public LimitExceededException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
