package io.sluice.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code sluice.*}).
 *
 * @param ice where peers gather and what they advertise
 * @param limits bounds that keep one client from exhausting the gateway
 * @param dtls DTLS certificates of the peers the gateway creates
 */
@ConfigurationProperties("sluice")
@Validated
public record SluiceProperties(@DefaultValue Ice ice, @DefaultValue Limits limits, @DefaultValue Udp udp,
        @DefaultValue Timeouts timeouts, @DefaultValue Dtls dtls) {

    /**
     * @param certificateReuse how long one generated certificate serves the new peers (each DTLS
     *     handshake still has its own ECDHE keys; as with a TLS server, one identity serves many
     *     sessions): a fresh ECDSA key and certificate cost about as much CPU as the rest of
     *     answering an offer. 0: a certificate of its own for every peer, as browsers do
     */
    public record Dtls(@DefaultValue("60s") Duration certificateReuse) {
    }

    /**
     * @param mode {@code shared}: every peer on one UDP port per address (what a Kubernetes Service
     *     or a firewall can expose); {@code per-peer}: a socket of its own for each peer
     * @param port the shared port; 0 picks a free one at startup (set it when it must be known)
     * @param socketBufferBytes receive and send buffer asked for each UDP socket
     */
    public record Udp(@DefaultValue("shared") String mode, @DefaultValue("0") @Min(0) @Max(65535) int port,
            @DefaultValue("4194304") @Min(65536) int socketBufferBytes) {

        public boolean shared() {
            return !"per-peer".equals(mode);
        }
    }

    /**
     * @param connect a peer that has not connected this long after it was created is closed
     * @param disconnected a peer that stays disconnected (or failed) this long is closed
     * @param drain when the instance stops, how long its peers' owners have after the
     *     {@code draining} event before the peers are closed; keep it below the platform's
     *     shutdown grace period (Kubernetes terminationGracePeriodSeconds)
     */
    public record Timeouts(@DefaultValue("60s") Duration connect, @DefaultValue("30s") Duration disconnected,
            @DefaultValue("20s") Duration drain) {
    }

    /**
     * @param addresses local IP addresses to gather host candidates on; empty means every
     *     non-loopback address of the machine
     * @param interfaces network interface names to gather on (with or instead of addresses)
     * @param loopback also gather on loopback addresses (for local tests and demos)
     * @param gatheringTimeout how long the one-call (WHIP) form waits for gathering to complete
     * @param advertisedAddresses 1:1 NAT: {@code local=public} pairs; host candidates on a local
     *     address are signalled with the public one (same port), e.g. a pod's address and its
     *     node's public address
     */
    public record Ice(@DefaultValue List<String> addresses, @DefaultValue List<String> interfaces,
            @DefaultValue("false") boolean loopback, @DefaultValue("5s") Duration gatheringTimeout,
            @DefaultValue List<String> advertisedAddresses) {
    }

    /**
     * @param maxPeers peers one gateway instance holds at once; beyond it creation answers 429
     * @param maxSdpBytes largest SDP body accepted (413 beyond it)
     * @param maxChannelsPerPeer data channels one peer may have open at once (429 beyond it)
     * @param maxMessageBytes largest message the REST send operation takes (413 beyond it; the
     *     remote's max-message-size applies too)
     * @param requestsPerSecond sustained {@code /v1} requests per second per API key owner (or per
     *     client address when keys are off); beyond it 429 with Retry-After; 0 turns it off
     * @param requestBurst requests allowed at once above the sustained rate
     */
    public record Limits(@DefaultValue("10000") @Min(1) @Max(1_000_000) int maxPeers,
            @DefaultValue("262144") @Min(1024) int maxSdpBytes,
            @DefaultValue("1024") @Min(1) @Max(65534) int maxChannelsPerPeer,
            @DefaultValue("262144") @Min(1) int maxMessageBytes,
            @DefaultValue("500") @Min(0) int requestsPerSecond,
            @DefaultValue("1000") @Min(1) int requestBurst) {
    }
}
