package io.sluice.peer.datachannel;

import static io.sluice.peer.datachannel.DataChannelPair.NOW;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.sctp.SctpEvent;
import java.util.List;

/**
 * Fuzzes a {@link DataChannelCore} with arbitrary (stream, PPID, bytes) messages, crafted DCEP
 * OPENs, incoming stream resets (what a remote can cause) and API calls, through the {@link FakeSctpPair}. Nothing but
 * {@link DataChannelException} (from API calls) may escape, the invariants must hold after every
 * step, and at the end every byte handed to the core has gone back to the SCTP receive window
 * (delivered and polled, or dropped and counted). Seeds and crash inputs live in
 * {@code DataChannelCoreFuzzTestInputs/messages/}.
 */
class DataChannelCoreFuzzTest {

    private static final int[] PPIDS = {Ppid.DCEP, Ppid.STRING, Ppid.BINARY_PARTIAL, Ppid.BINARY,
        Ppid.STRING_PARTIAL, Ppid.STRING_EMPTY, Ppid.BINARY_EMPTY};

    @FuzzTest(maxDuration = "5m")
    void messages(FuzzedDataProvider in) {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(64, 64, 1 << 16), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withMaxChannels(16).withMaxLabelBytes(64).withMaxReceiveMessageSize(4096));
        p.roles(true);
        p.a.open(NOW, "neg", true, null, null, "", true, 3, DcepMessage.PRIORITY_NORMAL);
        p.b.open(NOW, "neg", true, null, null, "", true, 3, DcepMessage.PRIORITY_NORMAL);
        p.connect();
        p.openFromA("from-a");
        p.b.open(NOW, "from-b", false, 0, null, "", false, null, DcepMessage.PRIORITY_NORMAL);
        p.settle();

        int steps = in.consumeInt(1, 48);
        for (int i = 0; i < steps && in.remainingBytes() > 0; i++) {
            switch (in.consumeInt(0, 8)) {
                case 0:
                case 1: {
                    int ppid = in.consumeBoolean() ? PPIDS[in.consumeInt(0, PPIDS.length - 1)] : in.consumeInt();
                    byte[] payload = in.consumeBytes(in.consumeInt(0, 300));
                    p.sctp.b.inject(stream(in), ppid, payload, in.consumeBoolean());
                    break;
                }
                case 2: {
                    int code = in.consumeBoolean() ? in.pickValue(ChannelType.values()).code() : in.consumeInt(0, 255);
                    byte[] label = in.consumeBytes(in.consumeInt(0, 80));
                    byte[] protocol = in.consumeBytes(in.consumeInt(0, 8));
                    byte[] open = new byte[12 + label.length + protocol.length];
                    open[0] = DcepMessage.TYPE_OPEN;
                    open[1] = (byte) code;
                    open[2] = in.consumeByte();
                    open[3] = in.consumeByte();
                    int rel = in.consumeInt();
                    open[4] = (byte) (rel >>> 24);
                    open[5] = (byte) (rel >>> 16);
                    open[6] = (byte) (rel >>> 8);
                    open[7] = (byte) rel;
                    open[8] = (byte) (label.length >>> 8);
                    open[9] = (byte) label.length;
                    open[10] = (byte) (protocol.length >>> 8);
                    open[11] = (byte) protocol.length;
                    System.arraycopy(label, 0, open, 12, label.length);
                    System.arraycopy(protocol, 0, open, 12 + label.length, protocol.length);
                    p.sctp.b.inject(stream(in), Ppid.DCEP, open, false);
                    break;
                }
                case 3:
                    p.sctp.b.events.add(new SctpEvent.StreamsResetIncoming(new int[] {stream(in), stream(in)}));
                    break;
                case 4: {
                    // Outgoing-reset results come from our own association, not from the remote, so
                    // they are not invented here; the remote's side of a reset is case 3.
                    Integer h = pick(in, p.a.channels());
                    if (h != null) {
                        try {
                            p.a.send(NOW, h, in.consumeBytes(in.consumeInt(0, 3000)));
                        } catch (DataChannelException expected) {
                            // not open
                        }
                    }
                    break;
                }
                case 5:
                    p.settle();
                    break;
                case 6: {
                    Integer h = pick(in, p.b.channels());
                    if (h != null) {
                        try {
                            if (in.consumeBoolean()) {
                                p.b.send(NOW, h, in.consumeBytes(in.consumeInt(0, 2000)));
                            } else {
                                p.b.setBufferedAmountLowThreshold(h, in.consumeLong(0, 5000));
                            }
                        } catch (DataChannelException expected) {
                            // not open: refused before any state change
                        }
                    }
                    break;
                }
                case 7: {
                    Integer h = pick(in, p.b.channels());
                    if (h != null) {
                        p.b.close(NOW, h);
                    }
                    break;
                }
                default: {
                    Integer h = pick(in, p.a.channels());
                    if (h != null) {
                        if (in.consumeBoolean()) {
                            p.a.close(NOW, h);
                        } else {
                            try {
                                p.a.send(NOW, h, in.consumeString(100));
                            } catch (DataChannelException expected) {
                                // not open
                            }
                        }
                    }
                    break;
                }
            }
            p.b.pollSctpEvents(NOW);
            check(p);
        }
        p.settle();
        check(p);
        if (p.sctp.b.unconsumed != 0 || p.sctp.a.unconsumed != 0) {
            throw new AssertionError("receive window leaked: a " + p.sctp.a.unconsumed + ", b " + p.sctp.b.unconsumed);
        }
    }

    private static int stream(FuzzedDataProvider in) {
        return in.consumeBoolean() ? in.consumeInt(0, 8) : in.consumeInt(0, 70_000);
    }

    private static Integer pick(FuzzedDataProvider in, List<Integer> handles) {
        return handles.isEmpty() ? null : handles.get(in.consumeInt(0, handles.size() - 1));
    }

    private static void check(DataChannelPair p) {
        if (!p.a.isConsistent() || !p.b.isConsistent()) {
            throw new AssertionError("inconsistent: " + p.a + " / " + p.b);
        }
    }
}
