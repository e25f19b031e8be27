package io.sluice.peer.ice;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A datagram the I/O shell must send from the socket bound to {@code localBase} to {@code remote}. */
public record Transmit(InetSocketAddress localBase, InetSocketAddress remote, byte[] data) {

    public Transmit {
        Objects.requireNonNull(localBase);
        Objects.requireNonNull(remote);
        Objects.requireNonNull(data);
    }
}
