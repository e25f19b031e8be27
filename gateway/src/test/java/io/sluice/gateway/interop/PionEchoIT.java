package io.sluice.gateway.interop;

import io.sluice.gateway.interop.ExternalPeers.Stack;

/**
 * Pion (Go, Debian's Pion 3.1.56; the project's client in interop/pion) echoes through the gateway
 * at full load: see {@link ExternalPeerEcho} for the cases.
 */
class PionEchoIT extends ExternalPeerEcho {

    @Override
    Stack stack() {
        return Stack.PION;
    }
}
