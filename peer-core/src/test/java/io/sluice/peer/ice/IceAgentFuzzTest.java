package io.sluice.peer.ice;

import static io.sluice.peer.ice.SimNet.SECOND;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.ice.SimNet.Node;
import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.stun.TransactionId;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Fuzzes {@link IceAgent#handleStun} on a connected agent: nothing may escape, the invariants must
 * hold, and input that no agent's password authenticates leaves the selected pair exactly as it was
 * (compared before and after every input, and again after the agent has run on), although a valid,
 * higher-priority pair is there for a forged nomination to move it to. Seeds and crash inputs live in
 * {@code IceAgentFuzzTestInputs/<method>/} ({@code forged-*}: requests signed with a wrong key or
 * none, which a skipped integrity check would act on).
 */
class IceAgentFuzzTest {

    private static final String PWD_A = "aaaaaaaaaaaaaaaaaaaaaa";
    private static final String PWD_B = "bbbbbbbbbbbbbbbbbbbbbb";

    private static final List<InetSocketAddress> SOURCES = List.of(SimNet.addr("192.0.2.2:6000"),
            SimNet.addr("192.0.2.66:1"), SimNet.addr("[2001:db8::66]:2"), SimNet.addr("0.0.0.0:0"));

    /**
     * Where unsigned input comes from, with the local base it arrives at: the selected pair's remote,
     * the remote of the other valid pair (each agent has an IPv4 and an IPv6 host), and strangers.
     */
    private static final List<InetSocketAddress[]> UNSIGNED_PATHS = List.of(
            new InetSocketAddress[] {SimNet.addr("192.0.2.2:6000"), SimNet.addr("192.0.2.1:5000")},
            new InetSocketAddress[] {SimNet.addr("[2001:db8::2]:6000"), SimNet.addr("[2001:db8::1]:5000")},
            new InetSocketAddress[] {SimNet.addr("192.0.2.66:1"), SimNet.addr("192.0.2.1:5000")},
            new InetSocketAddress[] {SimNet.addr("[2001:db8::66]:2"), SimNet.addr("[2001:db8::1]:5000")},
            new InetSocketAddress[] {SimNet.addr("0.0.0.0:0"), SimNet.addr("192.0.2.1:5000")});

    private record Setup(SimNet net, Node a, Node b) {
    }

    /**
     * Both agents connected over IPv4, which B nominated while IPv6 was cut; then IPv6 is restored
     * and checked too, so A holds a valid, higher-priority pair it was not asked to use: what a
     * forged nomination would move the selection to.
     */
    private static Setup connected() {
        SimNet net = new SimNet(1);
        Node a = net.node("a", IceConfig.builder().controlling(false).credentials("aaaa", PWD_A).build(), 1)
                .host("192.0.2.1:5000").host("[2001:db8::1]:5000");
        Node b = net.node("b", IceConfig.builder().controlling(true).credentials("bbbb", PWD_B).build(), 2)
                .host("192.0.2.2:6000").host("[2001:db8::2]:6000");
        net.blackhole = pkt -> pkt.to().getAddress() instanceof java.net.Inet6Address;
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        if (!net.runUntil(() -> a.agent.selectedPair() != null && b.agent.selectedPair() != null, 5 * SECOND)) {
            throw new IllegalStateException("setup did not connect");
        }
        net.blackhole = pkt -> false;
        net.runFor(2 * SECOND);
        net.pump();
        List<CandidatePair> valid = a.agent.pairs().stream().filter(pr -> pr.state() == PairState.SUCCEEDED).toList();
        CandidatePair selected = a.agent.selectedPair();
        if (valid.size() < 2 || valid.get(0).equals(selected)
                || !(selected.remote().address().getAddress() instanceof java.net.Inet4Address)) {
            throw new IllegalStateException("setup: IPv4 selected below a valid IPv6 pair expected; selected "
                    + selected + ", pairs " + a.agent.pairs());
        }
        return new Setup(net, a, b);
    }

    /**
     * After one input: consistent, not closed, and, when the input was unauthenticated, the selected
     * pair exactly as before it (same candidates, state and nomination), then and after the agent
     * has run on for a while.
     */
    private static void check(Setup s, CandidatePair before, boolean unauthenticated) {
        IceAgent agent = s.a.agent;
        if (!agent.isConsistent()) {
            throw new AssertionError("inconsistent after input: " + agent);
        }
        if (unauthenticated && !java.util.Objects.equals(agent.selectedPair(), before)) {
            throw new AssertionError("unauthenticated input moved the selected pair from " + before + " to "
                    + agent.selectedPair());
        }
        if (agent.state() == IceState.CLOSED) {
            throw new AssertionError("closed by input");
        }
        s.net.runFor(2 * SECOND);
        if (!agent.isConsistent()) {
            throw new AssertionError("inconsistent later: " + agent);
        }
        if (unauthenticated && !java.util.Objects.equals(agent.selectedPair(), before)) {
            throw new AssertionError("after unauthenticated input the selected pair moved later, from " + before
                    + " to " + agent.selectedPair());
        }
    }

    /** The same input from each of {@link #UNSIGNED_PATHS}, one after another. */
    @FuzzTest(maxDuration = "5m")
    void handleStun(byte[] data) {
        Setup s = connected();
        boolean unauthenticated = !authenticated(data);
        for (InetSocketAddress[] path : UNSIGNED_PATHS) {
            CandidatePair before = s.a.agent.selectedPair();
            s.a.agent.handleStun(s.net.now, path[1], path[0], data, 0, data.length);
            s.net.pump();
            check(s, before, unauthenticated);
        }
    }

    /** Whether the input carries a message integrity that either agent's password verifies. */
    private static boolean authenticated(byte[] data) {
        try {
            StunMessage m = StunMessage.parse(data, 0, data.length);
            for (String pwd : List.of(PWD_A, PWD_B)) {
                byte[] key = StunMessage.shortTermKey(pwd);
                if (m.verifyIntegrity(key) || m.verifyIntegritySha256(key)) {
                    return true;
                }
            }
            return false;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /** Authenticated messages with fuzzed attributes, as requests or as answers to the agent's own requests. */
    @FuzzTest(maxDuration = "5m")
    void handleSignedStun(FuzzedDataProvider in) {
        Setup s = connected();
        int kind = in.consumeInt(0, 2);
        InetSocketAddress from = SOURCES.get(in.consumeInt(0, SOURCES.size() - 1));
        TransactionId id;
        StunClass cls;
        String key;
        if (kind == 0) {
            byte[] raw = new byte[12];
            byte[] got = in.consumeBytes(12);
            System.arraycopy(got, 0, raw, 0, got.length);
            id = TransactionId.of(raw);
            cls = StunClass.REQUEST;
            key = PWD_A;
        } else {
            id = lastRequestOf(s);
            cls = kind == 1 ? StunClass.SUCCESS_RESPONSE : StunClass.ERROR_RESPONSE;
            key = PWD_B;
        }
        StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING, cls, id);
        int n = in.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            switch (in.consumeInt(0, 9)) {
                case 0:
                    b.add(new StunAttribute.Username(in.consumeBoolean() ? "aaaa:bbbb" : in.consumeString(20)));
                    break;
                case 1:
                    b.add(new StunAttribute.Priority(in.consumeLong(0, 0xffffffffL)));
                    break;
                case 2:
                    b.add(new StunAttribute.IceControlling(in.consumeLong()));
                    break;
                case 3:
                    b.add(new StunAttribute.IceControlled(in.consumeLong()));
                    break;
                case 4:
                    b.add(new StunAttribute.UseCandidate());
                    break;
                case 5:
                    b.add(new StunAttribute.XorMappedAddress(SOURCES.get(in.consumeInt(0, SOURCES.size() - 1))));
                    break;
                case 6:
                    b.add(new StunAttribute.ErrorCode(in.consumeInt(300, 699), in.consumeString(10)));
                    break;
                case 7:
                    b.add(new StunAttribute.Raw(in.consumeInt(0, 0xffff), in.consumeBytes(16)));
                    break;
                case 8:
                    b.add(new StunAttribute.MappedAddress(SOURCES.get(in.consumeInt(0, SOURCES.size() - 1))));
                    break;
                default:
                    b.add(new StunAttribute.Software(in.consumeString(10)));
                    break;
            }
        }
        byte[] data = b.build().encode(StunMessage.shortTermKey(key), in.consumeBoolean());
        InetSocketAddress base = in.consumeBoolean() ? SimNet.addr("192.0.2.1:5000") : SimNet.addr("192.0.2.9:1");
        CandidatePair before = s.a.agent.selectedPair();
        s.a.agent.handleStun(s.net.now, base, from, data, 0, data.length);
        s.net.pump();
        check(s, before, false);
    }

    private static TransactionId lastRequestOf(Setup s) {
        // Make the agent send something (consent), then answer its latest request.
        s.net.runFor(6 * SECOND);
        for (int i = s.net.sent.size() - 1; i >= 0; i--) {
            SimNet.Sent sent = s.net.sent.get(i);
            if (sent.node() != s.a) {
                continue;
            }
            byte[] d = sent.transmit().data();
            try {
                StunMessage m = StunMessage.parse(d, 0, d.length);
                if (m.isRequest()) {
                    return m.transactionId();
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }
        return TransactionId.of(new byte[12]);
    }
}
