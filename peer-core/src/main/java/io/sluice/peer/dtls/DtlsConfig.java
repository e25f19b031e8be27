package io.sluice.peer.dtls;

import java.time.Duration;
import java.util.List;

/**
 * Settings of a {@link DtlsTransport}. Start from {@link #defaults()} and change with the
 * {@code with*} methods.
 *
 * @param mtu               largest datagram we send; handshake messages are fragmented to fit (default 1200)
 * @param receiveLimit      largest datagram we accept; longer ones are dropped (default 1500)
 * @param handshakeTimeout  the handshake fails if not done within this from its start, waiting for a
 *                          thread included; its thread is freed then (default 15 s)
 * @param initialRetransmit first flight retransmission timeout, doubled on each retry (default 1 s, RFC 6347 §4.2.4.1)
 * @param inboundQueue      datagrams queued for the handshake before more are dropped (default 64)
 * @param srtpProfiles      profiles offered or accepted in {@code use_srtp}, in preference order; empty
 *                          for a data-channel-only transport that does not offer the extension
 */
public record DtlsConfig(int mtu, int receiveLimit, Duration handshakeTimeout, Duration initialRetransmit,
                         int inboundQueue, List<SrtpProfile> srtpProfiles) {

    public DtlsConfig {
        if (mtu < 100 || mtu > 65507) {
            throw new IllegalArgumentException("mtu out of range [100, 65507]: " + mtu);
        }
        if (receiveLimit < mtu || receiveLimit > 65535) {
            throw new IllegalArgumentException("receiveLimit must be in [mtu, 65535]: " + receiveLimit);
        }
        if (handshakeTimeout.toMillis() < 1 || handshakeTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("handshakeTimeout out of range: " + handshakeTimeout);
        }
        if (initialRetransmit.toMillis() < 1 || initialRetransmit.toMillis() > 60_000) {
            throw new IllegalArgumentException("initialRetransmit out of range: " + initialRetransmit);
        }
        if (inboundQueue < 1) {
            throw new IllegalArgumentException("inboundQueue must be positive: " + inboundQueue);
        }
        srtpProfiles = List.copyOf(srtpProfiles);
    }

    public static DtlsConfig defaults() {
        return new DtlsConfig(1200, 1500, Duration.ofSeconds(15), Duration.ofSeconds(1), 64,
                List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AEAD_AES_256_GCM,
                        SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AES128_CM_HMAC_SHA1_32));
    }

    public DtlsConfig withMtu(int mtu) {
        return new DtlsConfig(mtu, Math.max(receiveLimit, mtu), handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }

    public DtlsConfig withReceiveLimit(int receiveLimit) {
        return new DtlsConfig(mtu, receiveLimit, handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }

    public DtlsConfig withHandshakeTimeout(Duration handshakeTimeout) {
        return new DtlsConfig(mtu, receiveLimit, handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }

    public DtlsConfig withInitialRetransmit(Duration initialRetransmit) {
        return new DtlsConfig(mtu, receiveLimit, handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }

    public DtlsConfig withInboundQueue(int inboundQueue) {
        return new DtlsConfig(mtu, receiveLimit, handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }

    public DtlsConfig withSrtpProfiles(List<SrtpProfile> srtpProfiles) {
        return new DtlsConfig(mtu, receiveLimit, handshakeTimeout, initialRetransmit, inboundQueue, srtpProfiles);
    }
}
