package io.sluice.gateway.interop;

import io.sluice.gateway.interop.ExternalPeers.Stack;
import java.util.Optional;

/**
 * aiortc (Python, Debian's aiortc 1.4.0; the project's client in interop/aiortc) echoes through the
 * gateway at full load: see {@link ExternalPeerEcho} for the cases. aiortc offers the older
 * data-channel syntax ({@code m=application <port> DTLS/SCTP 5000} with {@code a=sctpmap}).
 */
class AiortcEchoIT extends ExternalPeerEcho {

    @Override
    Stack stack() {
        return Stack.AIORTC;
    }

    /**
     * aiortc echoes at about 2 MB/s through the loopback bridge and 1 MB/s through Kafka (Python's
     * SCTP), so the unordered and partially reliable cases run through the loopback bridge only;
     * the Pion client covers them through Kafka.
     */
    @Override
    boolean allCasesThroughKafka() {
        return false;
    }

    /**
     * aiortc 1.4 sends as far as its congestion window allows, ignoring the receiver's advertised
     * window ({@code RTCSctpTransport._transmit} checks {@code _cwnd} only; the peer's a_rwnd only
     * sets {@code _ssthresh}), against RFC 4960 6.1 A. A gateway holding it back must drop what
     * exceeds its window (6.2; counted as {@code sctp:receive-window-full}, over a thousand per run),
     * and on a maxRetransmits=0 channel aiortc then abandons every dropped message: about a third
     * of them went missing. Reliable and maxPacketLifeTime channels retransmit and lose nothing.
     */
    @Override
    Optional<String> withoutMaxRetransmitsZero() {
        return Optional.of("aiortc ignores the receiver's window, so with no retransmission allowed every message "
                + "the gateway cannot take is lost (see AiortcEchoIT)");
    }
}
