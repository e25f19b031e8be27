package io.sluice.peer.ice;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A STUN server, already resolved by the shell; {@code url} is what error events report. */
public record IceServer(String url, InetSocketAddress address) {

    public IceServer {
        Objects.requireNonNull(url);
        Objects.requireNonNull(address);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("STUN server address must be resolved: " + url);
        }
    }

    public static IceServer of(InetSocketAddress address) {
        String host = address.getHostString();
        return new IceServer("stun:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort(),
                address);
    }
}
