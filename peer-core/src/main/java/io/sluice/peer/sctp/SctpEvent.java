package io.sluice.peer.sctp;

/** What an {@link SctpCore} reports. Dispatch on {@link #kind()}. */
public sealed interface SctpEvent {

    enum Kind { CONNECTED, MESSAGE, STREAMS_RESET_INCOMING, STREAMS_RESET_OUTGOING, BUFFERED_AMOUNT_LOW, CLOSED }

    Kind kind();

    /** The association is established; streams negotiated in INIT/INIT-ACK. */
    record Connected(int outboundStreams, int inboundStreams) implements SctpEvent {
        public Kind kind() {
            return Kind.CONNECTED;
        }
    }

    /** A complete message (reassembled), in the stream's order unless sent unordered. */
    record Message(int streamId, int ppid, byte[] payload, boolean unordered) implements SctpEvent {
        public Kind kind() {
            return Kind.MESSAGE;
        }
    }

    /** The peer reset these incoming streams (it closed its side of those channels). */
    record StreamsResetIncoming(int[] streamIds) implements SctpEvent {
        public Kind kind() {
            return Kind.STREAMS_RESET_INCOMING;
        }
    }

    /** Our outgoing reset of these streams completed (or was refused when {@code success} is false). */
    record StreamsResetOutgoing(int[] streamIds, boolean success) implements SctpEvent {
        public Kind kind() {
            return Kind.STREAMS_RESET_OUTGOING;
        }
    }

    /**
     * {@link SctpCore#bufferedAmount(int)} of a stream fell to or below the threshold set with
     * the data channel layer; reported whenever a stream's buffered amount decreases, with the new value.
     */
    record BufferedAmountDecreased(int streamId, long bufferedAmount) implements SctpEvent {
        public Kind kind() {
            return Kind.BUFFERED_AMOUNT_LOW;
        }
    }

    /** The association ended: SHUTDOWN completed, ABORT sent or received, or it failed (reason says). */
    record Closed(String reason, boolean error) implements SctpEvent {
        public Kind kind() {
            return Kind.CLOSED;
        }
    }
}
