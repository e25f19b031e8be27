package io.sluice.peer.ice;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one {@link IceAgent}. Build with {@link #builder()}; every setting has a documented
 * default. Null credentials are generated from the agent's {@code RandomSource}.
 *
 * @param controlling initial role (the offerer is controlling, RFC 8445 §6.1.1)
 * @param localUfrag local username fragment, or null to generate (8 ice-chars)
 * @param localPwd local password, or null to generate (24 ice-chars)
 * @param ta pacing of new STUN transactions (RFC 8445 §14.2), default 50 ms
 * @param checkRto initial retransmission timeout of a connectivity check, default 500 ms
 * @param rtoMax ceiling of the doubling retransmission timeout, default 3 s
 * @param checkMaxTransmissions transmissions of a check before its pair fails, default 7
 * @param gatherRto initial retransmission timeout of a STUN server request, default 500 ms
 * @param gatherMaxTransmissions transmissions of a STUN server request before the error event, default 4
 * @param consentInterval mean consent freshness interval (RFC 7675), randomized 0.8..1.2, default 5 s
 * @param disconnectedAfter unanswered consent request age that makes the state disconnected, default 2.5 s
 * @param consentTimeout time without consent that fails the agent (RFC 7675 §5.1), default 30 s
 * @param nominationDelay how long the controlling agent waits after the first success for better pairs
 *     before nominating, default 300 ms
 * @param failTimeout without remote end-of-candidates, how long after checks start the agent with nothing
 *     left to check and no selected pair waits before failing, default 30 s
 * @param maxPairs bound on the check list (RFC 8445 §6.1.2.5), default 100
 * @param stunServers STUN servers for server-reflexive candidates
 */
public record IceConfig(boolean controlling, String localUfrag, String localPwd, Duration ta, Duration checkRto,
        Duration rtoMax, int checkMaxTransmissions, Duration gatherRto, int gatherMaxTransmissions,
        Duration consentInterval, Duration disconnectedAfter, Duration consentTimeout, Duration nominationDelay,
        Duration failTimeout, int maxPairs, List<IceServer> stunServers) {

    public IceConfig {
        Objects.requireNonNull(ta);
        Objects.requireNonNull(checkRto);
        Objects.requireNonNull(rtoMax);
        Objects.requireNonNull(gatherRto);
        Objects.requireNonNull(consentInterval);
        Objects.requireNonNull(disconnectedAfter);
        Objects.requireNonNull(consentTimeout);
        Objects.requireNonNull(nominationDelay);
        Objects.requireNonNull(failTimeout);
        stunServers = List.copyOf(stunServers);
        if (ta.isNegative() || ta.isZero() || checkRto.isZero() || gatherRto.isZero() || consentInterval.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
        if (checkMaxTransmissions < 1 || gatherMaxTransmissions < 1 || maxPairs < 1) {
            throw new IllegalArgumentException("counts must be positive");
        }
        if (localUfrag != null && (localUfrag.length() < 4 || localUfrag.length() > 256
                || !Candidate.isIceChars(localUfrag))) {
            throw new IllegalArgumentException("ufrag must be 4..256 ice-chars");
        }
        if (localPwd != null && (localPwd.length() < 22 || localPwd.length() > 256
                || !Candidate.isIceChars(localPwd))) {
            throw new IllegalArgumentException("pwd must be 22..256 ice-chars");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.controlling = controlling;
        b.localUfrag = localUfrag;
        b.localPwd = localPwd;
        b.ta = ta;
        b.checkRto = checkRto;
        b.rtoMax = rtoMax;
        b.checkMaxTransmissions = checkMaxTransmissions;
        b.gatherRto = gatherRto;
        b.gatherMaxTransmissions = gatherMaxTransmissions;
        b.consentInterval = consentInterval;
        b.disconnectedAfter = disconnectedAfter;
        b.consentTimeout = consentTimeout;
        b.nominationDelay = nominationDelay;
        b.failTimeout = failTimeout;
        b.maxPairs = maxPairs;
        b.stunServers = stunServers;
        return b;
    }

    /** Builder with the defaults listed on {@link IceConfig}. */
    public static final class Builder {
        private boolean controlling;
        private String localUfrag;
        private String localPwd;
        private Duration ta = Duration.ofMillis(50);
        private Duration checkRto = Duration.ofMillis(500);
        private Duration rtoMax = Duration.ofSeconds(3);
        private int checkMaxTransmissions = 7;
        private Duration gatherRto = Duration.ofMillis(500);
        private int gatherMaxTransmissions = 4;
        private Duration consentInterval = Duration.ofSeconds(5);
        private Duration disconnectedAfter = Duration.ofMillis(2500);
        private Duration consentTimeout = Duration.ofSeconds(30);
        private Duration nominationDelay = Duration.ofMillis(300);
        private Duration failTimeout = Duration.ofSeconds(30);
        private int maxPairs = 100;
        private List<IceServer> stunServers = List.of();

        private Builder() {
        }

        public Builder controlling(boolean v) {
            controlling = v;
            return this;
        }

        public Builder credentials(String ufrag, String pwd) {
            localUfrag = ufrag;
            localPwd = pwd;
            return this;
        }

        public Builder ta(Duration v) {
            ta = v;
            return this;
        }

        public Builder checkRto(Duration v) {
            checkRto = v;
            return this;
        }

        public Builder rtoMax(Duration v) {
            rtoMax = v;
            return this;
        }

        public Builder checkMaxTransmissions(int v) {
            checkMaxTransmissions = v;
            return this;
        }

        public Builder gatherRto(Duration v) {
            gatherRto = v;
            return this;
        }

        public Builder gatherMaxTransmissions(int v) {
            gatherMaxTransmissions = v;
            return this;
        }

        public Builder consentInterval(Duration v) {
            consentInterval = v;
            return this;
        }

        public Builder disconnectedAfter(Duration v) {
            disconnectedAfter = v;
            return this;
        }

        public Builder consentTimeout(Duration v) {
            consentTimeout = v;
            return this;
        }

        public Builder nominationDelay(Duration v) {
            nominationDelay = v;
            return this;
        }

        public Builder failTimeout(Duration v) {
            failTimeout = v;
            return this;
        }

        public Builder maxPairs(int v) {
            maxPairs = v;
            return this;
        }

        public Builder stunServers(List<IceServer> v) {
            stunServers = v;
            return this;
        }

        public IceConfig build() {
            return new IceConfig(controlling, localUfrag, localPwd, ta, checkRto, rtoMax, checkMaxTransmissions,
                    gatherRto, gatherMaxTransmissions, consentInterval, disconnectedAfter, consentTimeout,
                    nominationDelay, failTimeout, maxPairs, stunServers);
        }
    }
}
