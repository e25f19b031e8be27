package io.sluice.peer.sctp.chunk;

import io.sluice.peer.wire.ByteWriter;

/**
 * A TLV parameter of INIT, INIT-ACK, HEARTBEAT and RE-CONFIG (RFC 9260 §3.2.1).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Parameter Type         |       Parameter Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                       Parameter Value                         /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public interface Parameter {

    int HEARTBEAT_INFO = 1;
    int STATE_COOKIE = 7;
    int UNRECOGNIZED_PARAMETER = 8;
    int OUTGOING_SSN_RESET_REQUEST = 13;
    int INCOMING_SSN_RESET_REQUEST = 14;
    int SSN_TSN_RESET_REQUEST = 15;
    int RECONFIGURATION_RESPONSE = 16;
    int ADD_OUTGOING_STREAMS_REQUEST = 17;
    int ADD_INCOMING_STREAMS_REQUEST = 18;
    int SUPPORTED_EXTENSIONS = 0x8008;
    int FORWARD_TSN_SUPPORTED = 0xC000;

    int type();

    /** The parameter length field: header and value, without padding. */
    int length();

    /** Header, value and padding. */
    void writeTo(ByteWriter w);

    default int paddedLength() {
        return (length() + 3) & ~3;
    }
}
