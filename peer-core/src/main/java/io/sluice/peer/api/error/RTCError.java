package io.sluice.peer.api.error;

/**
 * W3C RTCError: an OperationError with a WebRTC-specific detail, such as
 * {@code sdp-syntax-error} with the line of the SDP that did not parse.
 */
public final class RTCError extends WebRtcException {

    private static final long serialVersionUID = 1L;

    private final String errorDetail;
    private final Integer sdpLineNumber;

    public RTCError(String errorDetail, String message, Integer sdpLineNumber, Throwable cause) {
        super(message, cause);
        this.errorDetail = errorDetail;
        this.sdpLineNumber = sdpLineNumber;
    }

    /** RTCErrorDetailType, e.g. {@code "sdp-syntax-error"}, {@code "dtls-failure"}. */
    public String errorDetail() {
        return errorDetail;
    }

    /** The 1-based SDP line that failed to parse, for {@code sdp-syntax-error}; else null. */
    public Integer sdpLineNumber() {
        return sdpLineNumber;
    }

    @Override
    public String name() {
        return "OperationError";
    }
}
