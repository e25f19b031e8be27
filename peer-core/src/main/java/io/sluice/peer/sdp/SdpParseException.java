package io.sluice.peer.sdp;

/**
 * Thrown when SDP text (a whole description, or a single attribute value such as a trickled
 * candidate) is malformed or exceeds a limit. Carries the 1-based line number and the offending
 * line when known, and a precise reason. Stackless: hostile input costs no stack traces.
 *
 * <p>Message form: {@code line 7 "a=rtpmap:xx": payload type is not a number}, or
 * {@code "candidate:1 1 udp": missing port} for a value parsed on its own.
 */
public final class SdpParseException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int MAX_KEPT_LINE = 256;
    private static final int MAX_SHOWN_LINE = 80;

    private final int lineNumber;
    private final String line;
    private final String reason;

    /** A failure with no line context (the caller may add it with {@link #atLine}). */
    public SdpParseException(String reason) {
        this(reason, 0, null);
    }

    /**
     * @param reason what is wrong, in words
     * @param lineNumber 1-based line number, or 0 when not known
     * @param line the offending text, or null
     */
    public SdpParseException(String reason, int lineNumber, String line) {
        super(reason, null, false, false);
        this.reason = reason;
        this.lineNumber = lineNumber;
        this.line = line == null || line.length() <= MAX_KEPT_LINE ? line : line.substring(0, MAX_KEPT_LINE);
    }

    /** 1-based number of the offending line, or 0 when the error is not tied to a line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The offending line (at most 256 characters of it), or null. */
    public String line() {
        return line;
    }

    /** The reason alone, without line context; stable enough to use as a metric tag. */
    public String reason() {
        return reason;
    }

    /** This failure placed at a line of a description; a no-op if it already has a line number. */
    public SdpParseException atLine(int number, String text) {
        return lineNumber > 0 ? this : new SdpParseException(reason, number, text);
    }

    @Override
    public String getMessage() {
        if (line == null) {
            return lineNumber > 0 ? "line " + lineNumber + ": " + reason : reason;
        }
        String shown = "\"" + printable(line) + "\": " + reason;
        return lineNumber > 0 ? "line " + lineNumber + " " + shown : shown;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN_LINE) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= MAX_SHOWN_LINE) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
