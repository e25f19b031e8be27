package io.sluice.peer.wire;

/**
 * The one error every wire codec throws on bad input: a reason and the byte offset where parsing
 * stopped. Stackless, so a flood of junk packets costs no stack traces; cores catch it once,
 * count the drop and go on.
 */
public final class MalformedPacketException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public MalformedPacketException(String reason, int offset) {
        super(reason, null, false, false);
        this.offset = offset;
    }

    public MalformedPacketException(String reason) {
        this(reason, -1);
    }

    /** Byte offset in the input where the problem was found, or -1 when unknown. */
    public int offset() {
        return offset;
    }

    /** The reason alone, without the offset; stable enough to use as a metric tag. */
    public String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return offset >= 0 ? super.getMessage() + " (at byte " + offset + ")" : super.getMessage();
    }
}
