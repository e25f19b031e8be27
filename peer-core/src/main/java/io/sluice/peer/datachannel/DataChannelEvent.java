package io.sluice.peer.datachannel;

import java.nio.charset.StandardCharsets;

/**
 * What a {@link DataChannelCore} reports through {@link DataChannelCore#pollEvent()}, each about
 * one channel handle. Dispatch on {@link #kind()}. The W3C event each maps to is named.
 */
public sealed interface DataChannelEvent {

    enum Kind { CHANNEL_OPENED_BY_REMOTE, OPEN, MESSAGE, BUFFERED_AMOUNT_LOW, ERROR, CLOSING, CLOSE }

    Kind kind();

    /** The channel handle (not the stream id: see {@link DataChannelCore#open}). */
    int channel();

    /**
     * The remote opened a channel with DCEP: the W3C {@code datachannel} event on the peer
     * connection. The channel is already open; its {@link Open} event follows.
     */
    record ChannelOpenedByRemote(int channel, ChannelInfo info) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.CHANNEL_OPENED_BY_REMOTE;
        }
    }

    /** W3C {@code open}. */
    record Open(int channel) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.OPEN;
        }
    }

    /**
     * W3C {@code message}: a whole message, text (UTF-8 bytes, decoded by {@link #text()}) or
     * binary. {@code receivedBytes} is what the message took of the SCTP receive window (the
     * placeholder byte of an empty message, the pieces of a reassembled one); the core hands it
     * back to SCTP when the event is polled, or, without auto-consume, in
     * {@link DataChannelCore#consumed(Message)}.
     */
    record Message(int channel, boolean isText, byte[] data, int receivedBytes) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.MESSAGE;
        }

        /** The text, decoded as W3C does (malformed UTF-8 becomes U+FFFD). */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** W3C {@code bufferedamountlow}. */
    record BufferedAmountLow(int channel, long bufferedAmount) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.BUFFERED_AMOUNT_LOW;
        }
    }

    /**
     * W3C {@code error} with an RTCError: {@code errorDetail} is {@link #DATA_CHANNEL_FAILURE} or
     * {@link #SCTP_FAILURE}. Always followed by {@link Close}.
     */
    record Error(int channel, String errorDetail, String message) implements DataChannelEvent {
        public static final String DATA_CHANNEL_FAILURE = "data-channel-failure";
        public static final String SCTP_FAILURE = "sctp-failure";

        @Override
        public Kind kind() {
            return Kind.ERROR;
        }
    }

    /** W3C {@code closing}: the remote began closing (not fired for a local {@code close()}). */
    record Closing(int channel) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.CLOSING;
        }
    }

    /**
     * W3C {@code close}. After it the core forgets the handle, so the last
     * {@code bufferedAmount} (W3C keeps it after close) and the counters travel here.
     */
    record Close(int channel, long bufferedAmount, DataChannelStats stats) implements DataChannelEvent {
        @Override
        public Kind kind() {
            return Kind.CLOSE;
        }
    }
}
