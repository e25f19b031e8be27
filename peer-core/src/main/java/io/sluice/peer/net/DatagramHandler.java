package io.sluice.peer.net;

import java.net.InetSocketAddress;

/** Receives each datagram a {@link UdpSocket} reads, on the socket's event loop. Must not block. */
@FunctionalInterface
public interface DatagramHandler {

    /** {@code data} is a copy the handler owns. */
    void onDatagram(UdpSocket socket, InetSocketAddress from, byte[] data);
}
