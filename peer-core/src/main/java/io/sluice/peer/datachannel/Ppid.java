package io.sluice.peer.datachannel;

/**
 * SCTP payload protocol identifiers of WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1).
 *
 * <p>An empty message cannot be an SCTP DATA chunk (user data is at least one byte), so an empty
 * string or binary message goes out as one zero byte with {@link #STRING_EMPTY} or
 * {@link #BINARY_EMPTY}, and the receiver ignores that byte and delivers an empty message.
 *
 * <p>{@link #STRING_PARTIAL} and {@link #BINARY_PARTIAL} are deprecated (RFC 8831 §8): old
 * stacks split a large message into pieces with the partial PPID followed by a last piece with
 * {@link #STRING} or {@link #BINARY}. Sluice never sends them; on receive it reassembles such a
 * sequence on an ordered stream, bounded by the receive size limit, and drops anything else.
 */
public final class Ppid {

    public static final int DCEP = 50;
    public static final int STRING = 51;
    /** Deprecated: a non-final piece of a binary message. */
    public static final int BINARY_PARTIAL = 52;
    public static final int BINARY = 53;
    /** Deprecated: a non-final piece of a string message. */
    public static final int STRING_PARTIAL = 54;
    public static final int STRING_EMPTY = 56;
    public static final int BINARY_EMPTY = 57;

    private Ppid() {
    }

    public static String name(int ppid) {
        switch (ppid) {
            case DCEP:
                return "dcep";
            case STRING:
                return "string";
            case BINARY_PARTIAL:
                return "binary-partial";
            case BINARY:
                return "binary";
            case STRING_PARTIAL:
                return "string-partial";
            case STRING_EMPTY:
                return "string-empty";
            case BINARY_EMPTY:
                return "binary-empty";
            default:
                return "ppid-" + Integer.toUnsignedString(ppid);
        }
    }
}
