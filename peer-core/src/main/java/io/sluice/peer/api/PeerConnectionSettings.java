package io.sluice.peer.api;

import io.sluice.peer.dtls.DtlsConfig;
import io.sluice.peer.ice.IceConfig;
import io.sluice.peer.net.AddressFilter;
import io.sluice.peer.net.NetworkRuntime;
import io.sluice.peer.net.SharedUdpPort;
import io.sluice.peer.net.UdpSocket;
import io.sluice.peer.time.RandomSource;
import java.util.Objects;

/**
 * What a peer connection needs beyond the W3C configuration: where it gathers, which threads it
 * runs on, protocol timings. Operators and tests set these; the W3C API has no place for them.
 *
 * @param runtime        event loops and the blocking pool
 * @param addressFilter  which local addresses host candidates are gathered on
 * @param random         randomness for credentials, tie-breakers and certificates
 * @param ice            ICE timings (role and credentials are set by the peer connection)
 * @param dtls           DTLS settings
 * @param socketBufferBytes UDP socket buffer asked for each way
 * @param sharedPort     when set, peers use this port (one per address) instead of sockets of their own,
 *                       and the address filter is not used
 * @param advertised     1:1 NAT: host candidates on a key address are signalled with the value address
 *                       instead (same port); empty for none
 */
public record PeerConnectionSettings(NetworkRuntime runtime, AddressFilter addressFilter, RandomSource random,
        IceConfig ice, DtlsConfig dtls, int socketBufferBytes, SharedUdpPort sharedPort,
        java.util.Map<java.net.InetAddress, java.net.InetAddress> advertised) {

    public PeerConnectionSettings {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(addressFilter, "addressFilter");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(dtls, "dtls");
        advertised = advertised == null ? java.util.Map.of() : java.util.Map.copyOf(advertised);
    }

    /** Production defaults: the shared runtime, every non-loopback address, secure randomness. */
    public static PeerConnectionSettings defaults() {
        return new PeerConnectionSettings(NetworkRuntime.shared(), AddressFilter.NON_LOOPBACK, RandomSource.secure(),
                IceConfig.builder().build(), DtlsConfig.defaults(), UdpSocket.DEFAULT_BUFFER_BYTES, null, null);
    }

    public PeerConnectionSettings withRuntime(NetworkRuntime v) {
        return new PeerConnectionSettings(v, addressFilter, random, ice, dtls, socketBufferBytes, sharedPort, advertised);
    }

    public PeerConnectionSettings withAddressFilter(AddressFilter v) {
        return new PeerConnectionSettings(runtime, v, random, ice, dtls, socketBufferBytes, sharedPort, advertised);
    }

    public PeerConnectionSettings withRandom(RandomSource v) {
        return new PeerConnectionSettings(runtime, addressFilter, v, ice, dtls, socketBufferBytes, sharedPort, advertised);
    }

    public PeerConnectionSettings withIce(IceConfig v) {
        return new PeerConnectionSettings(runtime, addressFilter, random, v, dtls, socketBufferBytes, sharedPort, advertised);
    }

    public PeerConnectionSettings withDtls(DtlsConfig v) {
        return new PeerConnectionSettings(runtime, addressFilter, random, ice, v, socketBufferBytes, sharedPort, advertised);
    }

    /** Host candidates on {@code local} are signalled as {@code advertised} (1:1 NAT). */
    public PeerConnectionSettings withAdvertised(java.util.Map<java.net.InetAddress, java.net.InetAddress> v) {
        return new PeerConnectionSettings(runtime, addressFilter, random, ice, dtls, socketBufferBytes, sharedPort, v);
    }

    public PeerConnectionSettings withSharedPort(SharedUdpPort v) {
        return new PeerConnectionSettings(runtime, addressFilter, random, ice, dtls, socketBufferBytes, v, advertised);
    }

    public PeerConnectionSettings withSocketBufferBytes(int v) {
        return new PeerConnectionSettings(runtime, addressFilter, random, ice, dtls, v, sharedPort, advertised);
    }
}
