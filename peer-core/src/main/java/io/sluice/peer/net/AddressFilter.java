package io.sluice.peer.net;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * Chooses which local addresses ICE gathers host candidates on: operators restrict gathering to
 * the interfaces they expose, tests to loopback or to the addresses of a namespace they created.
 */
@FunctionalInterface
public interface AddressFilter {

    boolean accept(String interfaceName, InetAddress address);

    /** Every non-loopback address (the production default). */
    AddressFilter NON_LOOPBACK = (nif, a) -> !a.isLoopbackAddress();

    /** Loopback only (127.0.0.1 and ::1). */
    AddressFilter LOOPBACK = (nif, a) -> a.isLoopbackAddress();

    /** Exactly these addresses. */
    static AddressFilter only(List<InetAddress> addresses) {
        Set<InetAddress> set = Set.copyOf(addresses);
        return (nif, a) -> set.contains(a);
    }

    /** Addresses on these interfaces. */
    static AddressFilter interfaces(Set<String> names) {
        Set<String> copy = Set.copyOf(names);
        return (nif, a) -> copy.contains(nif);
    }

    default AddressFilter and(AddressFilter other) {
        return (nif, a) -> accept(nif, a) && other.accept(nif, a);
    }

    /** Only IPv4 addresses, or only IPv6 ones. */
    static AddressFilter family(boolean ipv6) {
        return (nif, a) -> (a instanceof java.net.Inet6Address) == ipv6;
    }
}
