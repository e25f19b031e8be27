package io.sluice.peer.sctp;

/**
 * Tunables of one association, with documented defaults ({@link #defaults()}). Times are in
 * milliseconds, sizes in bytes.
 *
 * @param mtu largest SCTP packet we send (common header included). Default 1163: our DTLS record
 *     payload limit at a path MTU of 1200; the I/O shell passes DTLS's real send limit. Path MTU
 *     discovery is not done: this is the packet size.
 * @param rtoInitialMillis RTO before any RTT measurement: 1000 (RFC 9260 §16 RTO.Initial). Also the
 *     first T1-init/T1-cookie timeout; WebRTC stacks use 500–1000.
 * @param rtoMinMillis lower clamp of the RTO: 400 (RFC 9260 says 1 s; that stalls a low-RTT data
 *     channel for a second on every timeout; 400 is what libwebrtc's SCTP uses).
 * @param rtoMaxMillis upper clamp of the RTO and its backoff: 10000 (RFC 9260 says 60 s; a data
 *     channel peer that is gone for 10 s per retry is as good as dead).
 * @param maxInitRetransmits INIT/COOKIE-ECHO retransmissions before giving up: 8 (RFC Max.Init.Retransmits).
 * @param maxRetransmits consecutive retransmission timeouts / unanswered heartbeats before the
 *     association fails: 10 (RFC Association.Max.Retrans).
 * @param receiveWindow a_rwnd and the bound on received-but-not-consumed bytes: 1 MiB.
 * @param maxMessageSize largest message {@link SctpCore#send} accepts: 262144, Chromium's SDP
 *     max-message-size (the data channel layer also applies the peer's SDP value).
 * @param streams inbound and outbound streams requested in INIT (65535); the association uses the
 *     minimum of both sides. Stream state is allocated on first use only.
 * @param delayedAckMillis delayed SACK timer: 200 (RFC 9260 §6.2); a SACK also goes out for every
 *     second packet with DATA, and at once on gaps, duplicates and window updates.
 * @param heartbeatIntervalMillis HB.interval: 30000 (RFC 9260), plus the RTO; 0 disables heartbeats.
 * @param cookieLifetimeMillis Valid.Cookie.Life: 60000 (RFC 9260).
 * @param enableInterleaving offer I-DATA / I-FORWARD-TSN (RFC 8260); used only if the peer offers them too.
 * @param localPort our SCTP port (SDP a=sctp-port): 5000.
 * @param remotePort the peer's SCTP port: 5000.
 * @param logPrefix prefix of every log line of this association, e.g. "pc=7f3a sctp: ".
 */
public record SctpOptions(int mtu, long rtoInitialMillis, long rtoMinMillis, long rtoMaxMillis,
        int maxInitRetransmits, int maxRetransmits, int receiveWindow, int maxMessageSize, int streams,
        long delayedAckMillis, long heartbeatIntervalMillis, long cookieLifetimeMillis, boolean enableInterleaving,
        int localPort, int remotePort, String logPrefix) {

    public static final int DEFAULT_MTU = 1163;

    public SctpOptions {
        if (mtu < 256 || mtu > 65535) {
            throw new IllegalArgumentException("mtu " + mtu);
        }
        if (rtoMinMillis <= 0 || rtoInitialMillis < rtoMinMillis || rtoMaxMillis < rtoInitialMillis) {
            throw new IllegalArgumentException("RTO bounds");
        }
        if (receiveWindow < 4 * mtu) {
            throw new IllegalArgumentException("receiveWindow below 4 packets");
        }
        if (streams < 1 || streams > 65535) {
            throw new IllegalArgumentException("streams " + streams);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize " + maxMessageSize);
        }
        if (logPrefix == null) {
            logPrefix = "";
        }
    }

    public static SctpOptions defaults() {
        return new SctpOptions(DEFAULT_MTU, 1000, 400, 10_000, 8, 10, 1 << 20, 262_144, 65535, 200, 30_000, 60_000,
                true, 5000, 5000, "sctp: ");
    }

    public SctpOptions withMtu(int v) {
        return new SctpOptions(v, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withReceiveWindow(int v) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                v, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withMaxMessageSize(int v) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, v, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withInterleaving(boolean v) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                v, localPort, remotePort, logPrefix);
    }

    public SctpOptions withHeartbeatInterval(long millis) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, millis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withStreams(int v) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, v, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withRto(long initialMillis, long minMillis, long maxMillis) {
        return new SctpOptions(mtu, initialMillis, minMillis, maxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, logPrefix);
    }

    public SctpOptions withRemotePort(int v) {
        if (v < 0 || v > 65535) {
            throw new IllegalArgumentException("remotePort " + v);
        }
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, v, logPrefix);
    }

    public SctpOptions withLogPrefix(String v) {
        return new SctpOptions(mtu, rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxRetransmits,
                receiveWindow, maxMessageSize, streams, delayedAckMillis, heartbeatIntervalMillis, cookieLifetimeMillis,
                enableInterleaving, localPort, remotePort, v);
    }
}
