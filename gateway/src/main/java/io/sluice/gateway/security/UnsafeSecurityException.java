package io.sluice.gateway.security;

/** The security configuration would let anyone in without saying so; the gateway does not start. */
public final class UnsafeSecurityException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String description;
    private final String action;

    UnsafeSecurityException(String description, String action) {
        super(description + " " + action);
        this.description = description;
        this.action = action;
    }

    public String description() {
        return description;
    }

    public String action() {
        return action;
    }
}
