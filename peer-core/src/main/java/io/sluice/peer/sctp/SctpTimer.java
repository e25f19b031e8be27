package io.sluice.peer.sctp;

/** The association's timers, by their RFC 9260 / RFC 6525 names; deadlines live in {@link TimerTable}. */
public enum SctpTimer {
    /** §5.1: INIT retransmission. */
    T1_INIT,
    /** §5.1: COOKIE-ECHO retransmission. */
    T1_COOKIE,
    /** §9.2: SHUTDOWN / SHUTDOWN-ACK retransmission. */
    T2_SHUTDOWN,
    /** §6.3: DATA retransmission. */
    T3_RTX,
    /** §6.2: delayed SACK. */
    DELAYED_ACK,
    /** §8.3: heartbeat of the (single) path. */
    HEARTBEAT,
    /** RFC 6525 §5.1.1: RE-CONFIG request retransmission. */
    RECONFIG
}
