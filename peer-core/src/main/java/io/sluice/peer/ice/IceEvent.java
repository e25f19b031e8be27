package io.sluice.peer.ice;

import java.net.InetSocketAddress;

/** What the agent reports through {@link IceAgent#pollEvent()}. Dispatch on {@link #kind()}. */
public sealed interface IceEvent {

    enum Kind {
        CANDIDATE_GATHERED, GATHERING_STATE_CHANGED, GATHERING_COMPLETE, CANDIDATE_ERROR, STATE_CHANGED,
        SELECTED_PAIR_CHANGED, ROLE_CHANGED, REMOTE_PEER_REFLEXIVE
    }

    Kind kind();

    /** A local host or server-reflexive candidate to signal to the peer. */
    record CandidateGathered(Candidate candidate) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.CANDIDATE_GATHERED;
        }
    }

    record GatheringStateChanged(GatheringState state) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.GATHERING_STATE_CHANGED;
        }
    }

    /** End of local candidates (the W3C null candidate); follows the change to "complete". */
    record GatheringComplete() implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.GATHERING_COMPLETE;
        }
    }

    /**
     * A STUN server failed for one local address: W3C {@code icecandidateerror}. {@code errorCode}
     * is the STUN error code, or 701 when the server did not answer.
     */
    record CandidateError(String url, InetSocketAddress localAddress, int errorCode, String errorText)
            implements IceEvent {
        public static final int UNREACHABLE = 701;

        @Override
        public Kind kind() {
            return Kind.CANDIDATE_ERROR;
        }
    }

    record StateChanged(IceState previous, IceState state) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.STATE_CHANGED;
        }
    }

    /** The pair data goes over changed; null when consent was lost for good or the agent closed. */
    record SelectedPairChanged(CandidatePair pair) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.SELECTED_PAIR_CHANGED;
        }
    }

    /** The role flipped, after a role conflict (RFC 8445 §7.3.1.1, §7.2.5.1). */
    record RoleChanged(boolean controlling) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.ROLE_CHANGED;
        }
    }

    /** A remote peer-reflexive candidate was learned from an incoming check (RFC 8445 §7.3.1.3). */
    record RemotePeerReflexive(Candidate candidate) implements IceEvent {
        @Override
        public Kind kind() {
            return Kind.REMOTE_PEER_REFLEXIVE;
        }
    }
}
