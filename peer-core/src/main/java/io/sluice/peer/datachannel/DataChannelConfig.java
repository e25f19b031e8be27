package io.sluice.peer.datachannel;

/**
 * Bounds and policies of a {@link DataChannelCore}.
 *
 * @param maxChannels channels alive at once (any state but closed), both directions together;
 *     a remote OPEN beyond it is refused and a local {@code open} fails with OperationError.
 *     Default 65535, the protocol's own bound (ids 0..65534); parity already limits the remote
 *     to half of them.
 * @param maxLabelBytes largest label or protocol (UTF-8 bytes) accepted in a remote OPEN;
 *     default 65535 (everything the wire can carry). Local channels are bounded at 65535 by W3C.
 * @param maxReceiveMessageSize largest message delivered, and the bound on reassembling the
 *     deprecated partial PPIDs; larger ones are dropped and counted. This is the value to
 *     advertise as our {@code a=max-message-size}. Default 262144. 0 = no bound.
 * @param localMaxSendMessageSize the most this side can send in one message, whatever the remote
 *     accepts (W3C "canSendSize"); 0 = no bound of our own. Default 0.
 * @param maxBufferedAmount the send queue per channel: a send that would take
 *     {@code bufferedAmount} above it fails with OperationError. Default 16 MiB.
 * @param autoConsume when true, delivered bytes are handed back to the SCTP receive window as
 *     soon as their message event is polled; when false the application calls
 *     {@link DataChannelCore#consumed(DataChannelEvent.Message)} when it is done with a message
 *     (backpressure to the remote sender).
 */
public record DataChannelConfig(int maxChannels, int maxLabelBytes, long maxReceiveMessageSize,
        long localMaxSendMessageSize, long maxBufferedAmount, boolean autoConsume) {

    public static final DataChannelConfig DEFAULT =
            new DataChannelConfig(65535, 65535, 262144, 0, 16L << 20, true);

    public DataChannelConfig {
        if (maxChannels < 1 || maxChannels > 65535) {
            throw new IllegalArgumentException("maxChannels must be 1..65535");
        }
        if (maxLabelBytes < 0 || maxLabelBytes > 65535) {
            throw new IllegalArgumentException("maxLabelBytes must be 0..65535");
        }
        if (maxReceiveMessageSize < 0 || localMaxSendMessageSize < 0 || maxBufferedAmount < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
    }

    public DataChannelConfig withMaxChannels(int n) {
        return new DataChannelConfig(n, maxLabelBytes, maxReceiveMessageSize, localMaxSendMessageSize,
                maxBufferedAmount, autoConsume);
    }

    public DataChannelConfig withMaxLabelBytes(int n) {
        return new DataChannelConfig(maxChannels, n, maxReceiveMessageSize, localMaxSendMessageSize,
                maxBufferedAmount, autoConsume);
    }

    public DataChannelConfig withMaxReceiveMessageSize(long n) {
        return new DataChannelConfig(maxChannels, maxLabelBytes, n, localMaxSendMessageSize, maxBufferedAmount,
                autoConsume);
    }

    public DataChannelConfig withLocalMaxSendMessageSize(long n) {
        return new DataChannelConfig(maxChannels, maxLabelBytes, maxReceiveMessageSize, n, maxBufferedAmount,
                autoConsume);
    }

    public DataChannelConfig withMaxBufferedAmount(long n) {
        return new DataChannelConfig(maxChannels, maxLabelBytes, maxReceiveMessageSize, localMaxSendMessageSize, n,
                autoConsume);
    }

    public DataChannelConfig withAutoConsume(boolean on) {
        return new DataChannelConfig(maxChannels, maxLabelBytes, maxReceiveMessageSize, localMaxSendMessageSize,
                maxBufferedAmount, on);
    }
}
