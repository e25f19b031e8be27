package io.sluice.peer.ice;

/** A candidate line that does not follow RFC 8839 §5.1. */
public final class CandidateParseException extends Exception {

    private static final long serialVersionUID = 1L;

    public CandidateParseException(String message) {
        super(message);
    }
}
