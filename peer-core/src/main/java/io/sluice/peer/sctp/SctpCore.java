package io.sluice.peer.sctp;

/**
 * The contract between an SCTP association (RFC 9260 over DTLS, RFC 8261) and what rides on it
 * (data channels). Sans-IO, the shape of every Sluice protocol core: packets, time and API calls
 * go in; packets to send, events and the next deadline come out. No sockets, threads or clocks;
 * confined to one thread (the peer's loop). Bad input is dropped and counted, never thrown.
 */
public interface SctpCore {

    // ---- inputs -------------------------------------------------------------------------------

    /** Starts the association (sends INIT). Both sides may call it: simultaneous open (RFC 8841 §7). */
    void connect(long nowNanos);

    /** One SCTP packet, as decrypted from one DTLS application-data record. */
    void handlePacket(long nowNanos, byte[] packet, int offset, int length);

    /** Always safe to call, also early. */
    void handleTimeout(long nowNanos);

    /**
     * Queues one message on a stream. Large messages are fragmented (or interleaved with I-DATA when
     * negotiated). Nothing is dropped for lack of space: the bytes count in
     * {@link #bufferedAmount(int)} until acknowledged or abandoned.
     *
     * @param reliability how hard to try: {@link Reliability#RELIABLE}, or a limit on
     *     retransmissions or on lifetime (RFC 3758 partial reliability, via FORWARD-TSN)
     * @return {@link SendResult#OK}, or why the message was refused (it then counts nowhere)
     */
    SendResult send(int streamId, int ppid, byte[] payload, boolean unordered, Reliability reliability,
            long nowNanos);

    /** Outgoing stream reset (RFC 6525): the streams close once the peer has reset its side too. */
    void resetStreams(int[] streamIds, long nowNanos);

    /** Graceful SHUTDOWN sequence. */
    void shutdown(long nowNanos);

    /** ABORT: the association ends at once. */
    void abort(String reason, long nowNanos);

    /**
     * The application has consumed {@code bytes} of delivered messages: the receive window reopens
     * by that much. Until then delivered bytes keep the window shut (backpressure to the sender).
     */
    void consumed(int bytes);

    // ---- outputs ------------------------------------------------------------------------------

    /** The next packet for DTLS to send, or null. */
    byte[] pollTransmit();

    /** The next event, or null. */
    SctpEvent pollEvent();

    /** When {@link #handleTimeout} must be called next; {@code Long.MAX_VALUE} for never. */
    long nextDeadline();

    // ---- state --------------------------------------------------------------------------------

    SctpState state();

    /** Bytes queued or in flight, not yet acknowledged (or abandoned), on one stream. */
    long bufferedAmount(int streamId);

    /** The largest message the peer accepts is negotiated in SDP; this is the association's own bound. */
    int maxOutboundStreams();

    int maxInboundStreams();

    /** How a message is retransmitted. */
    record Reliability(Integer maxRetransmits, Long maxLifetimeMillis) {

        public static final Reliability RELIABLE = new Reliability(null, null);

        public static Reliability maxRetransmits(int n) {
            return new Reliability(n, null);
        }

        public static Reliability maxLifetime(long millis) {
            return new Reliability(null, millis);
        }

        public boolean isReliable() {
            return maxRetransmits == null && maxLifetimeMillis == null;
        }
    }

    enum SendResult {
        OK,
        /** The association is not established (or is closing). */
        NOT_CONNECTED,
        /** The stream id is beyond the negotiated outbound streams, or is being reset. */
        BAD_STREAM,
        /** Larger than the association can ever send. */
        TOO_LARGE
    }

    enum SctpState {
        NEW("new"), CONNECTING("connecting"), CONNECTED("connected"), CLOSED("closed");

        private final String spec;

        SctpState(String spec) {
            this.spec = spec;
        }

        /** The W3C RTCSctpTransportState spelling. */
        public String spec() {
            return spec;
        }
    }
}
