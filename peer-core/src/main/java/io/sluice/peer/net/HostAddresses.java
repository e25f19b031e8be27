package io.sluice.peer.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Enumerates the addresses host candidates may be gathered on, through an {@link AddressFilter}. */
public final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * Usable addresses of interfaces that are up, in interface order, IPv6 first within an
     * interface; link-local IPv6 and wildcard addresses are never used, loopback only if the filter
     * admits it.
     */
    public static List<InetAddress> enumerate(AddressFilter filter) {
        List<InetAddress> result = new ArrayList<>();
        List<NetworkInterface> interfaces;
        try {
            interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            return List.of();
        }
        for (NetworkInterface nif : interfaces) {
            try {
                if (!nif.isUp()) {
                    continue;
                }
            } catch (SocketException e) {
                continue;
            }
            List<InetAddress> v6 = new ArrayList<>();
            List<InetAddress> v4 = new ArrayList<>();
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                    continue;
                }
                if (a instanceof Inet6Address && (a.isLinkLocalAddress() || ((Inet6Address) a).getScopeId() != 0
                        && !a.isLoopbackAddress())) {
                    continue;
                }
                if (!filter.accept(nif.getName(), a)) {
                    continue;
                }
                if (a instanceof Inet4Address) {
                    v4.add(a);
                } else {
                    v6.add(stripScope((Inet6Address) a));
                }
            }
            result.addAll(v6);
            result.addAll(v4);
        }
        return result;
    }

    private static InetAddress stripScope(Inet6Address a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }
}
