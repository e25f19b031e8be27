package io.sluice.gateway.bridge;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Name resolution for HTTP callbacks: the system's unless a bean of this type is defined (tests
 * define one that answers differently from one lookup to the next, to show that the address
 * connected to is the address checked).
 */
@FunctionalInterface
public interface CallbackResolver {

    /** The system's resolver. */
    CallbackResolver SYSTEM = InetAddress::getAllByName;

    /** Every address of {@code host} (a name or an address literal, IPv6 without brackets). */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
