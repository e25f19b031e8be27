package io.sluice.peer.datachannel;

/**
 * A data-channel API call was refused. {@link #errorName()} is the W3C/WebIDL error the API layer
 * raises for it ({@code TypeError}, {@code InvalidStateError}, {@code OperationError}); nothing
 * changed state before it was thrown.
 */
public final class DataChannelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final String TYPE_ERROR = "TypeError";
    public static final String INVALID_STATE_ERROR = "InvalidStateError";
    public static final String OPERATION_ERROR = "OperationError";

    private final String errorName;

    public DataChannelException(String errorName, String message) {
        super(message, null, false, false);
        this.errorName = errorName;
    }

    public String errorName() {
        return errorName;
    }

    static DataChannelException typeError(String message) {
        return new DataChannelException(TYPE_ERROR, message);
    }

    static DataChannelException invalidState(String message) {
        return new DataChannelException(INVALID_STATE_ERROR, message);
    }

    static DataChannelException operationError(String message) {
        return new DataChannelException(OPERATION_ERROR, message);
    }
}
