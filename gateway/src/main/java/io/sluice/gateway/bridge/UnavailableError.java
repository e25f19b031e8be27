package io.sluice.gateway.bridge;

import io.sluice.peer.api.error.WebRtcException;

/**
 * A bridge cannot take a declaration now because what it connects to is not reachable (the Kafka
 * cluster at startup): {@code OperationError} by name, HTTP 503, and the message says why. Nothing
 * changed; the same declaration may succeed later.
 */
public final class UnavailableError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public UnavailableError(String message) {
        super(message, null);
    }

    @Override
    public String name() {
        return "OperationError";
    }
}
