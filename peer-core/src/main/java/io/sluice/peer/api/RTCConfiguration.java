package io.sluice.peer.api;

import java.util.List;

/**
 * W3C RTCConfiguration. Unset members take the W3C defaults: no ICE servers, policy {@code all},
 * bundle policy {@code balanced}, rtcp-mux {@code require}, a generated certificate, no candidate
 * pool.
 */
public record RTCConfiguration(List<RTCIceServer> iceServers, RTCIceTransportPolicy iceTransportPolicy,
        RTCBundlePolicy bundlePolicy, RTCRtcpMuxPolicy rtcpMuxPolicy, List<RTCCertificate> certificates,
        int iceCandidatePoolSize) {

    public RTCConfiguration {
        iceServers = iceServers == null ? List.of() : List.copyOf(iceServers);
        iceTransportPolicy = iceTransportPolicy == null ? RTCIceTransportPolicy.ALL : iceTransportPolicy;
        bundlePolicy = bundlePolicy == null ? RTCBundlePolicy.BALANCED : bundlePolicy;
        rtcpMuxPolicy = rtcpMuxPolicy == null ? RTCRtcpMuxPolicy.REQUIRE : rtcpMuxPolicy;
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    public static RTCConfiguration defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().iceServers(iceServers).iceTransportPolicy(iceTransportPolicy).bundlePolicy(bundlePolicy)
                .rtcpMuxPolicy(rtcpMuxPolicy).certificates(certificates).iceCandidatePoolSize(iceCandidatePoolSize);
    }

    public static final class Builder {
        private List<RTCIceServer> iceServers = List.of();
        private RTCIceTransportPolicy iceTransportPolicy;
        private RTCBundlePolicy bundlePolicy;
        private RTCRtcpMuxPolicy rtcpMuxPolicy;
        private List<RTCCertificate> certificates = List.of();
        private int iceCandidatePoolSize;

        /** The list {@link #iceServer} adds to, once it has copied the one it was given (adding stays O(1)). */
        private java.util.ArrayList<RTCIceServer> added;

        public Builder iceServers(List<RTCIceServer> v) {
            iceServers = v;
            added = null;
            return this;
        }

        public Builder iceServer(RTCIceServer v) {
            if (added == null) {
                added = new java.util.ArrayList<>(iceServers);
                iceServers = added;
            }
            added.add(v);
            return this;
        }

        public Builder iceTransportPolicy(RTCIceTransportPolicy v) {
            iceTransportPolicy = v;
            return this;
        }

        public Builder bundlePolicy(RTCBundlePolicy v) {
            bundlePolicy = v;
            return this;
        }

        public Builder rtcpMuxPolicy(RTCRtcpMuxPolicy v) {
            rtcpMuxPolicy = v;
            return this;
        }

        public Builder certificates(List<RTCCertificate> v) {
            certificates = v;
            return this;
        }

        public Builder iceCandidatePoolSize(int v) {
            iceCandidatePoolSize = v;
            return this;
        }

        public RTCConfiguration build() {
            return new RTCConfiguration(iceServers, iceTransportPolicy, bundlePolicy, rtcpMuxPolicy, certificates,
                    iceCandidatePoolSize);
        }
    }
}
