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
 * hold, and unauthenticated input must not move the selected pair. Seeds and crash inputs live in
 * {@code IceAgentFuzzTestInputs/<method>/}.
 */
class IceAgentFuzzTest {

    private static final String PWD_A = "aaaaaaaaaaaaaaaaaaaaaa";
    private static final String PWD_B = "bbbbbbbbbbbbbbbbbbbbbb";

    private static final List<InetSocketAddress> SOURCES = List.of(SimNet.addr("192.0.2.2:6000"),
            SimNet.addr("192.0.2.66:1"), SimNet.addr("[2001:db8::66]:2"), SimNet.addr("0.0.0.0:0"));

    private record Setup(SimNet net, Node a, Node b) {
    }

    private static Setup connected() {
        SimNet net = new SimNet(1);
        Node a = net.node("a", IceConfig.builder().controlling(false).credentials("aaaa", PWD_A).build(), 1)
                .host("192.0.2.1:5000");
        Node b = net.node("b", IceConfig.builder().controlling(true).credentials("bbbb", PWD_B).build(), 2)
                .host("192.0.2.2:6000");
        a.agent.startGathering(net.now);
        b.agent.startGathering(net.now);
        net.signal(a, b);
        if (!net.runUntil(() -> a.agent.selectedPair() != null && b.agent.selectedPair() != null, 5 * SECOND)) {
            throw new IllegalStateException("setup did not connect");
        }
        net.pump();
        return new Setup(net, a, b);
    }

    private static void check(Setup s, boolean unauthenticated) {
        IceAgent agent = s.a.agent;
        if (!agent.isConsistent()) {
            throw new AssertionError("inconsistent after input: " + agent);
        }
        if (unauthenticated && agent.selectedPair() == null) {
            throw new AssertionError("unauthenticated input changed the selected pair");
        }
        if (agent.state() == IceState.CLOSED) {
            throw new AssertionError("closed by input");
        }
        s.net.runFor(2 * SECOND);
        if (!agent.isConsistent()) {
            throw new AssertionError("inconsistent later: " + agent);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void handleStun(byte[] data) {
        Setup s = connected();
        s.a.agent.handleStun(s.net.now, SimNet.addr("192.0.2.1:5000"), SOURCES.get(0), data, 0, data.length);
        s.net.pump();
        check(s, true);
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
        s.a.agent.handleStun(s.net.now, base, from, data, 0, data.length);
        s.net.pump();
        check(s, false);
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
