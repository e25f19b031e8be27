package io.sluice.peer.api.error;

/** W3C/WebIDL {@code OperationError}: the operation failed for an operation-specific reason. */
public final class OperationError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    public OperationError(String message) {
        super(message, null);
    }

    public OperationError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String name() {
        return "OperationError";
    }
}
