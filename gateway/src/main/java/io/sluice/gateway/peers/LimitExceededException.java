package io.sluice.gateway.peers;

/** A configured limit would be exceeded: 429 (or 413 for sizes); a per-owner quota is named. */
public final class LimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String quota;

    public LimitExceededException(String message, int status) {
        this(message, status, null);
    }

    /** With the property name of the owner's quota that would be exceeded. */
    public LimitExceededException(String message, int status, String quota) {
        super(message);
        this.status = status;
        this.quota = quota;
    }

    public int status() {
        return status;
    }

    /** The property name of the quota, or null for a gateway-wide limit. */
    public String quota() {
        return quota;
    }
}
