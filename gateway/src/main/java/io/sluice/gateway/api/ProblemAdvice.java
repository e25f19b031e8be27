package io.sluice.gateway.api;

import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.gateway.peers.PeerNotFoundException;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.api.error.WebRtcException;
import java.net.URI;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors as RFC 9457 problem details carrying the W3C error name ({@code name}) and the precise
 * cause ({@code detail}; for SDP also {@code sdpLineNumber}). A failed call changed nothing.
 */
@RestControllerAdvice
public class ProblemAdvice {

    /** HTTP status of each W3C error. */
    static HttpStatus status(WebRtcException e) {
        if (e instanceof io.sluice.gateway.bridge.UnavailableError) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        switch (e.name()) {
            case "InvalidStateError":
            case "InvalidModificationError":
                return HttpStatus.CONFLICT;
            case "NotSupportedError":
            case "OperationError":
                return e instanceof RTCError r && "sdp-syntax-error".equals(r.errorDetail())
                        ? HttpStatus.BAD_REQUEST : HttpStatus.UNPROCESSABLE_CONTENT;
            default:
                return HttpStatus.BAD_REQUEST;
        }
    }

    @ExceptionHandler(WebRtcException.class)
    public ResponseEntity<ProblemDetail> webrtc(WebRtcException e) {
        HttpStatus status = status(e);
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        pd.setTitle(e.name());
        pd.setType(URI.create("urn:sluice:error:" + e.name()));
        pd.setProperty("name", e.name());
        if (e instanceof RTCError r) {
            pd.setProperty("errorDetail", r.errorDetail());
            if (r.sdpLineNumber() != null) {
                pd.setProperty("sdpLineNumber", r.sdpLineNumber());
            }
        }
        return ResponseEntity.status(status).body(pd);
    }

    @ExceptionHandler(CompletionException.class)
    public ResponseEntity<ProblemDetail> completion(CompletionException e) {
        if (e.getCause() instanceof WebRtcException w) {
            return webrtc(w);
        }
        throw e;
    }

    @ExceptionHandler(ChannelsController.ChannelNotFoundException.class)
    public ResponseEntity<ProblemDetail> channelNotFound(ChannelsController.ChannelNotFoundException e) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        pd.setTitle("Data channel not found");
        pd.setType(URI.create("urn:sluice:error:ChannelNotFound"));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(pd);
    }

    @ExceptionHandler(PeerNotFoundException.class)
    public ResponseEntity<ProblemDetail> notFound(PeerNotFoundException e) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        pd.setTitle("Peer not found");
        pd.setType(URI.create("urn:sluice:error:PeerNotFound"));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(pd);
    }

    @ExceptionHandler(LimitExceededException.class)
    public ResponseEntity<ProblemDetail> limit(LimitExceededException e) {
        HttpStatus status = HttpStatus.valueOf(e.status());
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        pd.setTitle("Limit exceeded");
        pd.setType(URI.create("urn:sluice:error:LimitExceeded"));
        if (e.quota() != null) {
            pd.setProperty("quota", e.quota());
        }
        return ResponseEntity.status(status).body(pd);
    }
}
