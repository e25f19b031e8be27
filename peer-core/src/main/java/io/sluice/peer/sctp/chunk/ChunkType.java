package io.sluice.peer.sctp.chunk;

/** Chunk type numbers: RFC 9260 §3.2, RFC 3758 (FORWARD-TSN), RFC 6525 (RE-CONFIG), RFC 8260 (I-DATA). */
public final class ChunkType {

    public static final int DATA = 0;
    public static final int INIT = 1;
    public static final int INIT_ACK = 2;
    public static final int SACK = 3;
    public static final int HEARTBEAT = 4;
    public static final int HEARTBEAT_ACK = 5;
    public static final int ABORT = 6;
    public static final int SHUTDOWN = 7;
    public static final int SHUTDOWN_ACK = 8;
    public static final int ERROR = 9;
    public static final int COOKIE_ECHO = 10;
    public static final int COOKIE_ACK = 11;
    public static final int SHUTDOWN_COMPLETE = 14;
    public static final int I_DATA = 64;
    public static final int RE_CONFIG = 130;
    public static final int FORWARD_TSN = 192;
    public static final int I_FORWARD_TSN = 194;

    private ChunkType() {
    }

    public static String name(int type) {
        switch (type) {
            case DATA: return "DATA";
            case INIT: return "INIT";
            case INIT_ACK: return "INIT-ACK";
            case SACK: return "SACK";
            case HEARTBEAT: return "HEARTBEAT";
            case HEARTBEAT_ACK: return "HEARTBEAT-ACK";
            case ABORT: return "ABORT";
            case SHUTDOWN: return "SHUTDOWN";
            case SHUTDOWN_ACK: return "SHUTDOWN-ACK";
            case ERROR: return "ERROR";
            case COOKIE_ECHO: return "COOKIE-ECHO";
            case COOKIE_ACK: return "COOKIE-ACK";
            case SHUTDOWN_COMPLETE: return "SHUTDOWN-COMPLETE";
            case I_DATA: return "I-DATA";
            case RE_CONFIG: return "RE-CONFIG";
            case FORWARD_TSN: return "FORWARD-TSN";
            case I_FORWARD_TSN: return "I-FORWARD-TSN";
            default: return "chunk-" + type;
        }
    }
}
