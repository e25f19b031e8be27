package io.sluice.peer.ice;

import static io.sluice.peer.ice.SimNet.MS;
import static io.sluice.peer.ice.SimNet.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.ice.SimNet.Node;
import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.stun.TransactionId;
import io.sluice.peer.time.RandomSource;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Two agents (and STUN servers) over {@link SimNet}, in simulated time. */
class IceAgentSimTest {

    private static IceConfig.Builder cfg(boolean controlling) {
        return IceConfig.builder().controlling(controlling);
    }

    private static boolean connected(Node n) {
        return n.state().isConnected() && n.agent.selectedPair() != null;
    }

    /** Both sides selected the same path, each seeing the other's transport address. */
    private static void assertSamePath(SimNet net, Node a, Node b) {
        CandidatePair pa = a.agent.selectedPair();
        CandidatePair pb = b.agent.selectedPair();
        assertThat(pa).isNotNull();
        assertThat(pb).isNotNull();
        assertThat(pa.nominated()).isTrue();
        assertThat(pb.nominated()).isTrue();
        InetSocketAddress aSeenByB = a.nat.getOrDefault(pa.local().base(), pa.local().base());
        InetSocketAddress bSeenByA = b.nat.getOrDefault(pb.local().base(), pb.local().base());
        assertThat(pb.remote().address()).isEqualTo(aSeenByB);
        assertThat(pa.remote().address()).isEqualTo(bSeenByA);
        assertThat(a.agent.isControlling()).isNotEqualTo(b.agent.isControlling());
        assertThat(a.agent.isConsistent()).isTrue();
        assertThat(b.agent.isConsistent()).isTrue();
    }

    @ParameterizedTest(name = "controlling={0}")
    @ValueSource(booleans = {true, false})
    void twoAgentsConnectInEitherRole(boolean aControlling) {
        SimNet net = new SimNet(1);
        Node a = net.node("a", cfg(aControlling).build(), 11).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(!aControlling).build(), 12).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        assertThat(a.states).startsWith(IceState.CHECKING);
        // With remote end-of-candidates and nothing left to check, both complete.
        assertThat(net.runUntil(() -> a.state() == IceState.COMPLETED && b.state() == IceState.COMPLETED,
                5 * SECOND)).isTrue();
        assertThat(a.events(IceEvent.GatheringComplete.class)).hasSize(1);
        assertThat(a.agent.gatheringState()).isEqualTo(GatheringState.COMPLETE);
        assertThat(a.events(IceEvent.SelectedPairChanged.class)).hasSize(1);
        // Data flows for a minute: consent keeps it connected.
        net.runFor(60 * SECOND);
        assertThat(a.state().isConnected()).isTrue();
        assertThat(b.state().isConnected()).isTrue();
        assertThat(a.agent.stats().consentRequestsSent()).isBetween(9L, 16L);
    }

    @Test
    void allCandidatesUpfrontWithSeveralInterfaces() {
        SimNet net = new SimNet(2);
        Node a = net.node("a", cfg(true).build(), 21).host("192.0.2.1:5000").host("198.18.0.1:5000");
        Node b = net.node("b", cfg(false).build(), 22).host("192.0.2.2:6000").host("198.18.0.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.runFor(100 * MS); // gathering done before any signalling
        assertThat(a.agent.gatheringState()).isEqualTo(GatheringState.COMPLETE);
        net.signal(a, b);
        assertThat(b.agent.remoteCandidates()).hasSize(2);
        assertThat(a.agent.pairs()).hasSize(4);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        // The highest-priority pair (first host on both sides) wins.
        assertThat(a.agent.selectedPair().local().address()).isEqualTo(SimNet.addr("192.0.2.1:5000"));
        assertThat(a.agent.selectedPair().remote().address()).isEqualTo(SimNet.addr("192.0.2.2:6000"));
    }

    @Test
    void trickleCandidatesArriveAfterCredentials() {
        SimNet net = new SimNet(3);
        Node a = net.node("a", cfg(true).build(), 31);
        Node b = net.node("b", cfg(false).build(), 32);
        net.signal(a, b); // credentials first, no candidates yet
        net.runFor(200 * MS);
        assertThat(a.state()).isEqualTo(IceState.NEW);
        b.host("192.0.2.2:6000");
        net.runFor(200 * MS);
        a.host("192.0.2.1:5000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
    }

    @Test
    void ipv6PreferredOverIpv4() {
        SimNet net = new SimNet(4);
        Node a = net.node("a", cfg(true).build(), 41).host("192.0.2.1:5000").host("[2001:db8::1]:5000");
        Node b = net.node("b", cfg(false).build(), 42).host("192.0.2.2:6000").host("[2001:db8::2]:6000");
        assertThat(a.agent.localCandidates().get(1).priority())
                .isGreaterThan(a.agent.localCandidates().get(0).priority());
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(a.agent.pairs()).hasSize(2); // no pairs across address families
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        assertThat(a.agent.selectedPair().local().isIpv6()).isTrue();
    }

    @Test
    void ipv6Only() {
        SimNet net = new SimNet(5);
        Node a = net.node("a", cfg(false).build(), 51).host("[2001:db8::1]:5000");
        Node b = net.node("b", cfg(true).build(), 52).host("[2001:db8::2]:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
    }

    @Test
    void serverReflexiveGatheringBehindNatAndConnect() {
        SimNet net = new SimNet(6);
        net.stunServer("198.51.100.1:3478");
        IceServer stun = IceServer.of(SimNet.addr("198.51.100.1:3478"));
        Node a = net.node("a", cfg(true).stunServers(List.of(stun)).build(), 61)
                .host("10.0.0.1:5000", "203.0.113.1:40000");
        Node b = net.node("b", cfg(false).stunServers(List.of(stun)).build(), 62).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        assertThat(a.agent.gatheringState()).isEqualTo(GatheringState.GATHERING);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);

        List<Candidate> gathered = new ArrayList<>();
        a.events(IceEvent.CandidateGathered.class).forEach(e -> gathered.add(e.candidate()));
        assertThat(gathered).extracting(Candidate::type).containsExactly(CandidateType.HOST, CandidateType.SRFLX);
        Candidate srflx = gathered.get(1);
        assertThat(srflx.address()).isEqualTo(SimNet.addr("203.0.113.1:40000"));
        assertThat(srflx.relatedAddress()).isEqualTo(SimNet.addr("10.0.0.1:5000"));
        assertThat(srflx.base()).isEqualTo(SimNet.addr("10.0.0.1:5000"));
        assertThat(srflx.priority()).isEqualTo(Candidate.computePriority(CandidateType.SRFLX, 32767, 1));
        assertThat(a.agent.gatheringState()).isEqualTo(GatheringState.COMPLETE);
        // b has no NAT: the server saw its host address, so no redundant srflx candidate.
        assertThat(b.events(IceEvent.CandidateGathered.class)).hasSize(1);
        assertThat(b.events(IceEvent.GatheringComplete.class)).hasSize(1);
        // a's selected local candidate is the reflexive one, sent from the host base.
        assertThat(a.agent.selectedPair().local().address()).isEqualTo(SimNet.addr("203.0.113.1:40000"));
        assertThat(a.agent.selectedPair().local().base()).isEqualTo(SimNet.addr("10.0.0.1:5000"));
    }

    @Test
    void bothBehindNatsConnectThroughServerReflexiveCandidates() {
        SimNet net = new SimNet(7);
        net.stunServer("198.51.100.1:3478");
        IceServer stun = IceServer.of(SimNet.addr("198.51.100.1:3478"));
        Node a = net.node("a", cfg(true).stunServers(List.of(stun)).build(), 71)
                .host("10.0.0.1:5000", "203.0.113.1:40000");
        Node b = net.node("b", cfg(false).stunServers(List.of(stun)).build(), 72)
                .host("10.1.0.1:6000", "203.0.113.2:50000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        assertThat(a.agent.selectedPair().remote().address()).isEqualTo(SimNet.addr("203.0.113.2:50000"));
    }

    @Test
    void stunServerTimeoutGivesCandidateErrorThenGatheringComplete() {
        SimNet net = new SimNet(8);
        net.stunServerDown("198.51.100.9:3478");
        IceServer dead = new IceServer("stun:stun.example.org:3478", SimNet.addr("198.51.100.9:3478"));
        Node a = net.node("a", cfg(true).stunServers(List.of(dead)).build(), 81).host("10.0.0.1:5000");
        a.agent.startGathering(net.now);
        assertThat(net.runUntil(() -> a.agent.gatheringState() == GatheringState.COMPLETE, 30 * SECOND)).isTrue();
        List<IceEvent.CandidateError> errors = a.events(IceEvent.CandidateError.class);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).url()).isEqualTo("stun:stun.example.org:3478");
        assertThat(errors.get(0).localAddress()).isEqualTo(SimNet.addr("10.0.0.1:5000"));
        assertThat(errors.get(0).errorCode()).isEqualTo(701);
        // Four transmissions, retransmitted 0.5 s, 1 s, 2 s apart, then a final wait.
        assertThat(net.newRequests(a)).hasSize(1);
        assertThat(net.sent).hasSize(4);
        assertThat(a.agent.stats().stunServerRequestsSent()).isEqualTo(4);
        List<IceEvent.Kind> kinds = a.events.stream().map(IceEvent::kind).toList();
        assertThat(kinds).containsSubsequence(IceEvent.Kind.CANDIDATE_ERROR,
                IceEvent.Kind.GATHERING_STATE_CHANGED, IceEvent.Kind.GATHERING_COMPLETE);
    }

    @Test
    void stunServerErrorResponseGivesCandidateError() {
        SimNet net = new SimNet(9);
        Node a = net.node("a", cfg(true).stunServers(List.of(IceServer.of(SimNet.addr("198.51.100.7:3478"))))
                .build(), 91).host("10.0.0.1:5000");
        a.agent.startGathering(net.now);
        net.pump();
        Transmit t = a.agent.pollTransmit();
        assertThat(t).isNull(); // pump took it
        SimNet.Sent req = net.sent.get(0);
        StunMessage parsed = parse(req.transmit().data());
        byte[] err = StunMessage.builder(StunMessage.BINDING, StunClass.ERROR_RESPONSE, parsed.transactionId())
                .add(new StunAttribute.ErrorCode(500, "Server Error")).build().encode(null, true);
        a.agent.handleStun(net.now, SimNet.addr("10.0.0.1:5000"), SimNet.addr("198.51.100.7:3478"), err, 0,
                err.length);
        net.pump();
        assertThat(a.events(IceEvent.CandidateError.class)).singleElement()
                .satisfies(e -> assertThat(e.errorCode()).isEqualTo(500))
                .satisfies(e -> assertThat(e.errorText()).isEqualTo("Server Error"));
        assertThat(a.agent.gatheringState()).isEqualTo(GatheringState.COMPLETE);
    }

    @Test
    void peerReflexiveWhenCandidatesAreNeverSignalled() {
        SimNet net = new SimNet(10);
        Node a = net.node("a", cfg(true).build(), 101).host("10.0.0.1:5000", "203.0.113.1:40000");
        Node b = net.node("b", cfg(false).build(), 102).host("192.0.2.2:6000");
        a.signalCandidate = null; // b never hears of a's candidates; a knows b's host address
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        Candidate learned = b.agent.selectedPair().remote();
        assertThat(learned.type()).isEqualTo(CandidateType.PRFLX);
        assertThat(learned.address()).isEqualTo(SimNet.addr("203.0.113.1:40000"));
        assertThat(learned.priority()).isEqualTo(Candidate.computePriority(CandidateType.PRFLX, 32767, 1));
        assertThat(b.events(IceEvent.RemotePeerReflexive.class)).hasSize(1);
        // a learned its own peer-reflexive address from b's XOR-MAPPED-ADDRESS
        assertThat(a.agent.selectedPair().local().type()).isEqualTo(CandidateType.PRFLX);
        assertThat(a.agent.selectedPair().local().address()).isEqualTo(SimNet.addr("203.0.113.1:40000"));
    }

    @Test
    void mdnsCandidatesNeverResolvedStillConnectThroughPeerReflexive() {
        SimNet net = new SimNet(11);
        Node a = net.node("a", cfg(true).build(), 111).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 112).host("192.0.2.2:6000");
        // b hides its host address behind an mDNS name that a cannot resolve.
        b.signalCandidate = c -> c.withAddress(InetSocketAddress.createUnresolved(
                "3c4f0a9e-0b0f-4a5e-9b43-5d6c0c1f9e2a.local", c.address().getPort()));
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        net.pump();
        assertThat(a.agent.remoteCandidates()).singleElement().satisfies(c -> assertThat(c.isMdns()).isTrue());
        assertThat(a.agent.pairs()).isEmpty();
        assertThat(net.runUntil(() -> connected(a) && connected(b), 10 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        assertThat(a.agent.selectedPair().remote().type()).isEqualTo(CandidateType.PRFLX);
    }

    @Test
    void mdnsCandidateResolvedByTheShellIsPaired() {
        SimNet net = new SimNet(12);
        Node a = net.node("a", cfg(true).build(), 121).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 122).host("192.0.2.2:6000");
        String name = "f0e1d2c3-b4a5-4697-8899-aabbccddeeff.local";
        b.signalCandidate = c -> c.withAddress(InetSocketAddress.createUnresolved(name, c.address().getPort()));
        a.signalCandidate = null; // so b cannot start first
        b.signalEndOfCandidates = false;
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        net.pump();
        assertThat(a.agent.pairs()).isEmpty();
        a.agent.resolveRemoteCandidate(name.toUpperCase(), SimNet.addr("192.0.2.2:6000").getAddress(), net.now);
        assertThat(a.agent.pairs()).hasSize(1);
        assertThat(a.agent.remoteCandidates()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CandidateType.HOST);
            assertThat(c.isResolved()).isTrue();
        });
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
    }

    @ParameterizedTest(name = "both controlling={0}")
    @ValueSource(booleans = {true, false})
    void roleConflictIsResolved(boolean bothControlling) {
        SimNet net = new SimNet(13);
        Node a = net.node("a", cfg(bothControlling).build(), 131).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(bothControlling).build(), 132).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        // The agent with the larger tie-breaker ends up controlling (RFC 8445 §7.3.1.1).
        Node winner = Long.compareUnsigned(a.agent.tieBreaker(), b.agent.tieBreaker()) > 0 ? a : b;
        assertThat(winner.agent.isControlling()).isTrue();
        long conflicts = a.agent.stats().roleConflicts() + b.agent.stats().roleConflicts();
        assertThat(conflicts).isPositive();
        assertThat(a.events(IceEvent.RoleChanged.class).size() + b.events(IceEvent.RoleChanged.class).size())
                .isEqualTo(1);
    }

    @Test
    void roleConflictResolvedOnA487Response() {
        // a checks b first (b has no candidates of a and cannot check): b answers 487 or switches.
        SimNet net = new SimNet(14);
        Node a = net.node("a", cfg(true).build(), 141).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(true).build(), 142).host("192.0.2.2:6000");
        a.signalCandidate = null;
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        Node winner = Long.compareUnsigned(a.agent.tieBreaker(), b.agent.tieBreaker()) > 0 ? a : b;
        assertThat(winner.agent.isControlling()).isTrue();
    }

    @Test
    void consentLossDisconnectsThenRegainedReconnects() {
        SimNet net = new SimNet(15);
        Node a = net.node("a", cfg(true).build(), 151).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 152).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        net.runFor(3 * SECOND);
        net.blackhole = p -> true; // the path dies
        long cut = net.now;
        assertThat(net.runUntil(() -> a.state() == IceState.DISCONNECTED, 10 * SECOND)).isTrue();
        // Detected within one consent interval (<= 6 s) plus disconnectedAfter (2.5 s).
        assertThat(net.now - cut).isLessThanOrEqualTo(8500 * MS);
        assertThat(a.agent.selectedPair()).isNotNull();
        net.blackhole = p -> false; // back
        assertThat(net.runUntil(() -> a.state().isConnected(), 3 * SECOND)).isTrue();
        int d = a.states.indexOf(IceState.DISCONNECTED);
        assertThat(d).isPositive();
        assertThat(a.states.get(d - 1).isConnected()).isTrue();
        assertThat(a.states.get(a.states.size() - 1).isConnected()).isTrue();
    }

    @Test
    void consentLostForThirtySecondsFails() {
        SimNet net = new SimNet(16);
        Node a = net.node("a", cfg(true).build(), 161).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 162).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        net.blackhole = p -> true;
        long cut = net.now;
        assertThat(net.runUntil(() -> a.state() == IceState.FAILED && b.state() == IceState.FAILED, 40 * SECOND))
                .isTrue();
        assertThat(net.now - cut).isBetween(29 * SECOND, 31 * SECOND);
        assertThat(a.states).endsWith(IceState.DISCONNECTED, IceState.FAILED);
        assertThat(a.agent.selectedPair()).isNull();
        assertThat(a.events.get(a.events.size() - 1)).isNotNull();
        // Failed for good: the path coming back changes nothing, and nothing more is sent.
        net.blackhole = p -> false;
        int before = net.sent.size();
        net.runFor(20 * SECOND);
        assertThat(a.state()).isEqualTo(IceState.FAILED);
        assertThat(net.sent.size()).isEqualTo(before);
        assertThat(a.agent.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void iceRestartKeepsConnectivityAndSwitchesCredentials() {
        SimNet net = new SimNet(17);
        Node a = net.node("a", cfg(true).build(), 171).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 172).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        String oldUfragA = a.agent.localUfrag();
        a.states.clear();
        b.states.clear();

        a.agent.restart("newAufrag", "newApasswordnewApassword", net.now);
        b.agent.restart("newBufrag", "newBpasswordnewBpassword", net.now);
        // The old pair stays selected while the new offer/answer is in flight.
        net.runFor(8 * SECOND);
        assertThat(a.agent.selectedPair()).isNotNull();
        assertThat(a.state().isConnected()).isTrue();
        int selectionsBefore = a.events(IceEvent.SelectedPairChanged.class).size();

        // New descriptions: credentials and candidates again.
        a.events.clear();
        b.events.clear();
        net.signal(a, b);
        for (Candidate c : b.agent.localCandidates()) {
            a.agent.addRemoteCandidate(c, net.now);
        }
        for (Candidate c : a.agent.localCandidates()) {
            b.agent.addRemoteCandidate(c, net.now);
        }
        assertThat(net.runUntil(() -> !a.events(IceEvent.SelectedPairChanged.class).isEmpty()
                && !b.events(IceEvent.SelectedPairChanged.class).isEmpty(), 5 * SECOND)).isTrue();
        assertThat(selectionsBefore).isEqualTo(1);
        assertSamePath(net, a, b);
        int sentAfterSelection = net.sent.size();
        // Never left connected during the restart.
        assertThat(a.states).doesNotContain(IceState.CHECKING, IceState.FAILED, IceState.DISCONNECTED);
        assertThat(b.states).doesNotContain(IceState.CHECKING, IceState.FAILED, IceState.DISCONNECTED);
        // Checks after the restart use the new credentials.
        net.runFor(12 * SECOND);
        List<String> usernames = new ArrayList<>();
        for (SimNet.Sent s : net.sent.subList(sentAfterSelection, net.sent.size())) {
            StunMessage m = parse(s.transmit().data());
            if (s.node() == a && m.isRequest()) {
                usernames.add(m.username());
            }
        }
        assertThat(usernames).isNotEmpty().allMatch(u -> u.equals("newBufrag:newAufrag"));
        assertThat(a.agent.localUfrag()).isEqualTo("newAufrag").isNotEqualTo(oldUfragA);
        assertThat(a.state().isConnected()).isTrue();
    }

    @Test
    void failsWhenAllPairsFailAfterEndOfCandidates() {
        SimNet net = new SimNet(18);
        Node a = net.node("a", cfg(true).build(), 181).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 182).host("192.0.2.2:6000");
        net.blackhole = p -> true; // nothing gets through
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> a.state() == IceState.FAILED, 60 * SECOND)).isTrue();
        assertThat(a.states).containsExactly(IceState.CHECKING, IceState.FAILED);
        assertThat(a.agent.pairs()).allMatch(p -> p.state() == PairState.FAILED);
        // 7 transmissions, backoff capped at 3 s: 0.5+1+2+3+3+3 s, then a final 3 s.
        assertThat(net.now - 1_000 * SECOND).isBetween(15 * SECOND, 16 * SECOND);
    }

    @Test
    void withoutEndOfCandidatesFailureWaitsForTheTimeout() {
        SimNet net = new SimNet(19);
        Node a = net.node("a", cfg(true).failTimeout(java.time.Duration.ofSeconds(25)).build(), 191)
                .host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 192).host("192.0.2.2:6000");
        b.signalEndOfCandidates = false;
        net.blackhole = p -> true;
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        net.runFor(20 * SECOND);
        assertThat(a.state()).isEqualTo(IceState.CHECKING);
        assertThat(a.agent.pairs()).allMatch(p -> p.state() == PairState.FAILED);
        assertThat(net.runUntil(() -> a.state() == IceState.FAILED, 10 * SECOND)).isTrue();
        // A candidate trickled late revives checking (the peer never sent end-of-candidates).
        a.agent.addRemoteCandidate(Candidate.udp("9", Candidate.computePriority(CandidateType.HOST, 1000, 1),
                SimNet.addr("192.0.2.3:7000"), CandidateType.HOST, null, null), net.now);
        net.pump();
        assertThat(a.state()).isEqualTo(IceState.CHECKING);
        // A duplicate of a known address adds nothing.
        a.agent.addRemoteCandidate(Candidate.udp("9", 1, SimNet.addr("192.0.2.2:6000"), CandidateType.HOST, null,
                null), net.now);
        assertThat(a.agent.pairs()).hasSize(2);
    }

    @Test
    void pacingKeepsNewChecksAtLeastTaApart() {
        SimNet net = new SimNet(20);
        net.jitter = 0;
        Node a = net.node("a", cfg(true).build(), 201);
        Node b = net.node("b", cfg(false).build(), 202);
        for (int i = 1; i <= 4; i++) {
            a.host("192.0.2." + i + ":5000");
            b.host("198.18.0." + i + ":6000");
        }
        net.blackhole = p -> p.to().getAddress().getAddress()[3] != 4; // only the last (lowest-priority) interfaces reach
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(a.agent.pairs()).hasSize(16);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 10 * SECOND)).isTrue();
        net.runFor(2 * SECOND);
        for (Node n : List.of(a, b)) {
            Node other = n == a ? b : a;
            List<SimNet.Sent> reqs = net.newRequests(n);
            assertThat(reqs.size()).isGreaterThan(5);
            int answering = 0;
            for (int i = 1; i < reqs.size(); i++) {
                SimNet.Sent r = reqs.get(i);
                if (r.at() - reqs.get(i - 1).at() >= 50 * MS) {
                    continue;
                }
                if (nominates(r)) {
                    continue; // the one nominating request per generation goes out at once by design
                }
                // Only a check triggered by a request of the remote on that pair (a first transmission or a
                // retransmission) goes out before the next slot.
                boolean triggered = net.sent.stream().filter(q -> q.node() == other && isRequest(q)).anyMatch(
                        q -> q.transmit().remote().equals(r.transmit().localBase())
                        && q.transmit().localBase().equals(r.transmit().remote())
                        && q.at() <= r.at() && r.at() - q.at() < 50 * MS);
                assertThat(triggered).as("request %d of %s, %d ms after the one before, answers a request", i, n,
                        (r.at() - reqs.get(i - 1).at()) / MS).isTrue();
                answering++;
            }
            assertThat(answering).as("checks of %s sent at once in answer to a request", n).isLessThanOrEqualTo(4);
        }
    }

    private static boolean isRequest(SimNet.Sent s) {
        byte[] d = s.transmit().data();
        try {
            return StunMessage.parse(d, 0, d.length).isRequest();
        } catch (io.sluice.peer.wire.MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean nominates(SimNet.Sent s) {
        byte[] d = s.transmit().data();
        try {
            return StunMessage.parse(d, 0, d.length).has(
                    StunAttribute.UseCandidate.class);
        } catch (io.sluice.peer.wire.MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> lossSeeds() {
        return Stream.of(Arguments.of(1L), Arguments.of(7L), Arguments.of(42L), Arguments.of(1234L),
                Arguments.of(99991L));
    }

    @ParameterizedTest(name = "20% loss, seed {0}")
    @MethodSource("lossSeeds")
    void connectsWithTwentyPercentLoss(long seed) {
        SimNet net = new SimNet(seed);
        net.loss = 0.2;
        net.jitter = 20 * MS;
        Node a = net.node("a", cfg(true).build(), seed * 31).host("192.0.2.1:5000").host("[2001:db8::1]:5000");
        Node b = net.node("b", cfg(false).build(), seed * 37).host("192.0.2.2:6000").host("[2001:db8::2]:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 15 * SECOND)).isTrue();
        assertSamePath(net, a, b);
        net.runFor(30 * SECOND); // consent survives 20% loss
        assertThat(a.state()).isNotEqualTo(IceState.FAILED);
        assertThat(a.agent.selectedPair()).isNotNull();
    }

    @Test
    void malformedAndUnauthenticatedStunIsDroppedAndCounted() {
        SimNet net = new SimNet(21);
        Node a = net.node("a", cfg(false).credentials("aaaa", "aaaaaaaaaaaaaaaaaaaaaa").build(), 211)
                .host("192.0.2.1:5000");
        Node b = net.node("b", cfg(true).build(), 212).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        CandidatePair before = a.agent.selectedPair();
        InetSocketAddress base = SimNet.addr("192.0.2.1:5000");
        InetSocketAddress evil = SimNet.addr("192.0.2.66:666");
        net.pump();
        net.sent.clear();

        // Not STUN at all (an RTP-looking packet), and garbage.
        inject(net, a, base, evil, new byte[] {(byte) 0x80, 0, 0, 1});
        inject(net, a, base, evil, new byte[0]);
        // Looks like STUN, but the length is wrong.
        byte[] bad = request("aaaa:x", "aaaaaaaaaaaaaaaaaaaaaa", false, 1).clone();
        bad[3] ^= 4;
        inject(net, a, base, evil, bad);
        // Bad FINGERPRINT.
        byte[] fp = request("aaaa:x", "aaaaaaaaaaaaaaaaaaaaaa", false, 2).clone();
        fp[fp.length - 1] ^= 1;
        inject(net, a, base, evil, fp);
        // Wrong password: 401, no learning.
        inject(net, a, base, evil, request("aaaa:x", "wrongwrongwrongwrongwrong", false, 3));
        // Unknown ufrag: 401.
        inject(net, a, base, evil, request("zzzz:x", "aaaaaaaaaaaaaaaaaaaaaa", false, 4));
        // No MESSAGE-INTEGRITY: 400.
        byte[] noMi = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                        TransactionId.random(RandomSource.seeded(5)))
                .add(new StunAttribute.Username("aaaa:x")).build().encode(null, true);
        inject(net, a, base, evil, noMi);
        // A response nobody asked for.
        byte[] stray = StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE,
                        TransactionId.random(RandomSource.seeded(6)))
                .add(new StunAttribute.XorMappedAddress(evil)).build().encode(null, true);
        inject(net, a, base, evil, stray);
        // Unknown comprehension-required attribute, properly authenticated: 420.
        inject(net, a, base, evil, request("aaaa:x", "aaaaaaaaaaaaaaaaaaaaaa", true, 7));

        IceStats s = a.agent.stats();
        assertThat(s.dropped("not-stun")).isEqualTo(2);
        assertThat(s.dropped("malformed")).isEqualTo(1);
        assertThat(s.dropped("bad-fingerprint")).isEqualTo(1);
        assertThat(s.dropped("bad-integrity")).isEqualTo(1);
        assertThat(s.dropped("unknown-username")).isEqualTo(1);
        assertThat(s.dropped("bad-request")).isEqualTo(1);
        assertThat(s.dropped("unknown-transaction")).isEqualTo(1);
        assertThat(s.dropped("unknown-attribute")).isEqualTo(1);
        assertThat(a.agent.remoteCandidates()).noneMatch(c -> c.address().equals(evil));
        assertThat(a.agent.selectedPair()).isEqualTo(before);
        assertThat(a.agent.isConsistent()).isTrue();

        List<Integer> codes = new ArrayList<>();
        for (SimNet.Sent sent : net.sent) {
            if (sent.transmit().remote().equals(evil)) {
                StunMessage m = parse(sent.transmit().data());
                assertThat(m.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
                assertThat(m.verifyFingerprint()).isTrue();
                int code = m.attribute(StunAttribute.ErrorCode.class).code();
                codes.add(code);
                if (code == 420) {
                    assertThat(m.attribute(StunAttribute.UnknownAttributes.class).types()).containsExactly(0x7123);
                    assertThat(m.verifyIntegrity(StunMessage.shortTermKey("aaaaaaaaaaaaaaaaaaaaaa"))).isTrue();
                }
            }
        }
        assertThat(codes).containsExactly(401, 401, 400, 420);
    }

    @Test
    void answersBindingRequestWithXorMappedAddressIntegrityAndFingerprint() {
        IceAgent agent = new IceAgent(cfg(false).credentials("ufrg", "pppppppppppppppppppppp").build(),
                RandomSource.seeded(1));
        InetSocketAddress base = SimNet.addr("192.0.2.1:5000");
        InetSocketAddress peer = SimNet.addr("203.0.113.5:7777");
        agent.addHostCandidate(base, 0);
        while (agent.pollEvent() != null) {
            // drain
        }
        byte[] req = request("ufrg:peer", "pppppppppppppppppppppp", false, 9);
        agent.handleStun(1, base, peer, req, 0, req.length);
        Transmit t = agent.pollTransmit();
        assertThat(t.localBase()).isEqualTo(base);
        assertThat(t.remote()).isEqualTo(peer);
        StunMessage resp = parse(t.data());
        assertThat(resp.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(resp.transactionId()).isEqualTo(parse(req).transactionId());
        assertThat(resp.attribute(StunAttribute.XorMappedAddress.class).address()).isEqualTo(peer);
        assertThat(resp.verifyIntegrity(StunMessage.shortTermKey("pppppppppppppppppppppp"))).isTrue();
        assertThat(resp.verifyFingerprint()).isTrue();
        // Without remote credentials it cannot check back yet, but it learned a prflx candidate.
        assertThat(agent.pollTransmit()).isNull();
        assertThat(agent.remoteCandidates()).singleElement()
                .satisfies(c -> assertThat(c.type()).isEqualTo(CandidateType.PRFLX));
        assertThat(agent.isStunForMe(req, 0, req.length)).isTrue();
        byte[] other = request("else:peer", "pppppppppppppppppppppp", false, 10);
        assertThat(agent.isStunForMe(other, 0, other.length)).isFalse();
        // Once the credentials arrive, the triggered check goes out.
        agent.setRemoteCredentials("peer", "qqqqqqqqqqqqqqqqqqqqqq");
        assertThat(agent.nextDeadline()).isLessThanOrEqualTo(1);
        agent.handleTimeout(2);
        Transmit check = agent.pollTransmit();
        assertThat(check.remote()).isEqualTo(peer);
        StunMessage c = parse(check.data());
        assertThat(c.username()).isEqualTo("peer:ufrg");
        assertThat(c.has(StunAttribute.IceControlled.class)).isTrue();
        assertThat(c.verifyIntegrity(StunMessage.shortTermKey("qqqqqqqqqqqqqqqqqqqqqq"))).isTrue();
    }

    /**
     * A controlled agent whose own check already validated a pair answers the remote's check on it
     * with a check of its own, at once, until a pair is nominated: a controlling agent that nominates
     * a pair when it sees a check on a pair it validated (Pion does) then nominates without waiting
     * for its next pacing tick.
     */
    @Test
    void controlledAgentRechecksAValidPairTheRemoteChecksUntilNominated() {
        String pwd = "pppppppppppppppppppppp";
        String remotePwd = "qqqqqqqqqqqqqqqqqqqqqq";
        IceAgent agent = new IceAgent(cfg(false).credentials("ufrg", pwd).build(), RandomSource.seeded(3));
        InetSocketAddress base = SimNet.addr("192.0.2.1:5000");
        InetSocketAddress peer = SimNet.addr("203.0.113.5:7777");
        agent.addHostCandidate(base, 0);
        agent.setRemoteCredentials("peer", remotePwd, 0);
        agent.addRemoteCandidate(Candidate.udp("1", Candidate.computePriority(CandidateType.HOST, 65535, 1), peer,
                CandidateType.HOST, null, null), 0);
        long now = 1;
        agent.handleTimeout(now);
        StunMessage first = firstRequestTo(agent, peer);
        // The remote answers our check: the pair is valid, nothing nominated yet.
        byte[] ok = StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE, first.transactionId())
                .add(new StunAttribute.XorMappedAddress(base)).build()
                .encode(StunMessage.shortTermKey(remotePwd), true);
        agent.handleStun(++now, base, peer, ok, 0, ok.length);
        assertThat(agent.pairs()).singleElement().satisfies(p -> assertThat(p.state()).isEqualTo(PairState.SUCCEEDED));
        drain(agent);
        // The remote checks the pair: answered, and checked back at once (not at the next pacing slot).
        byte[] req = request("ufrg:peer", pwd, false, 11);
        agent.handleStun(++now, base, peer, req, 0, req.length);
        agent.handleTimeout(now);
        List<StunMessage> out = drain(agent);
        assertThat(out).extracting(StunMessage::messageClass)
                .containsExactly(StunClass.SUCCESS_RESPONSE, StunClass.REQUEST);
        assertThat(out.get(1).has(StunAttribute.UseCandidate.class)).isFalse();
        // While that check is in flight, another request of the remote triggers nothing more.
        byte[] again = request("ufrg:peer", pwd, false, 12);
        agent.handleStun(++now, base, peer, again, 0, again.length);
        agent.handleTimeout(now);
        assertThat(drain(agent)).extracting(StunMessage::messageClass).containsExactly(StunClass.SUCCESS_RESPONSE);
        // Nominated: further checks of the remote are answered only.
        byte[] nominate = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                        TransactionId.random(RandomSource.seeded(13)))
                .add(new StunAttribute.Username("ufrg:peer"))
                .add(new StunAttribute.Priority(Candidate.computePriority(CandidateType.PRFLX, 1, 1)))
                .add(new StunAttribute.IceControlling(1)).add(new StunAttribute.UseCandidate()).build()
                .encode(StunMessage.shortTermKey(pwd), true);
        agent.handleStun(++now, base, peer, nominate, 0, nominate.length);
        assertThat(agent.selectedPair()).isNotNull();
        drain(agent);
        now += 10 * SECOND; // past every retransmission of the check in flight
        agent.handleTimeout(now);
        drain(agent);
        byte[] later = request("ufrg:peer", pwd, false, 14);
        agent.handleStun(++now, base, peer, later, 0, later.length);
        agent.handleTimeout(now);
        assertThat(drain(agent)).extracting(StunMessage::messageClass).containsExactly(StunClass.SUCCESS_RESPONSE);
    }

    private static StunMessage firstRequestTo(IceAgent agent, InetSocketAddress peer) {
        for (StunMessage m : drain(agent)) {
            if (m.isRequest()) {
                return m;
            }
        }
        throw new AssertionError("no check sent to " + peer);
    }

    private static List<StunMessage> drain(IceAgent agent) {
        List<StunMessage> out = new ArrayList<>();
        for (Transmit t; (t = agent.pollTransmit()) != null; ) {
            out.add(parse(t.data()));
        }
        return out;
    }

    @Test
    void closeStopsEverything() {
        SimNet net = new SimNet(22);
        Node a = net.node("a", cfg(true).build(), 221).host("192.0.2.1:5000");
        Node b = net.node("b", cfg(false).build(), 222).host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        assertThat(net.runUntil(() -> connected(a) && connected(b), 5 * SECOND)).isTrue();
        a.agent.close();
        net.pump();
        assertThat(a.state()).isEqualTo(IceState.CLOSED);
        assertThat(a.agent.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(a.agent.selectedPair()).isNull();
        int sent = net.sent.size();
        net.runFor(40 * SECOND);
        assertThat(net.sent.stream().skip(sent).filter(s -> s.node() == a)).isEmpty();
        assertThat(b.state()).isEqualTo(IceState.FAILED);
    }

    // --- helpers ---

    private static void inject(SimNet net, Node n, InetSocketAddress base, InetSocketAddress from, byte[] data) {
        n.agent.handleStun(net.now, base, from, data, 0, data.length);
        net.pump();
    }

    private static byte[] request(String username, String pwd, boolean unknownRequired, long seed) {
        StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                        TransactionId.random(RandomSource.seeded(seed)))
                .add(new StunAttribute.Username(username))
                .add(new StunAttribute.Priority(Candidate.computePriority(CandidateType.PRFLX, 1, 1)))
                .add(new StunAttribute.IceControlling(1));
        if (unknownRequired) {
            b.add(new StunAttribute.Raw(0x7123, new byte[] {1, 2}));
        }
        return b.build().encode(StunMessage.shortTermKey(pwd), true);
    }

    private static StunMessage parse(byte[] d) {
        try {
            return StunMessage.parse(d, 0, d.length);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
