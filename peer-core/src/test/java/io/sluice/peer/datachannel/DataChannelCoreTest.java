package io.sluice.peer.datachannel;

import static io.sluice.peer.datachannel.DataChannelPair.NOW;
import static io.sluice.peer.datachannel.DataChannelPair.kinds;
import static io.sluice.peer.datachannel.DataChannelPair.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.datachannel.DataChannelEvent.Kind;
import io.sluice.peer.sctp.SctpCore.Reliability;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DataChannelCore} against a {@link FakeSctpPair}: DCEP ladders, messages, buffering, closing. */
class DataChannelCoreTest {

    private static final int NORMAL = DcepMessage.PRIORITY_NORMAL;

    private static void assertError(String name, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(DataChannelException.class)
                .satisfies(e -> assertThat(((DataChannelException) e).errorName()).isEqualTo(name));
    }

    // ---- opening ------------------------------------------------------------------------------

    @ParameterizedTest(name = "a is DTLS client: {0}")
    @ValueSource(booleans = {true, false})
    void dcepOpenLadder(boolean aClient) throws Exception {
        DataChannelPair p = DataChannelPair.connected(aClient);
        int ha = p.a.open(NOW, "chat", true, null, null, "json", false, null, DcepMessage.PRIORITY_HIGH);
        int expectedId = aClient ? 0 : 1;
        assertThat(p.a.streamId(ha)).isEqualTo(expectedId);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.CONNECTING);

        // a -> b: OPEN, reliable and ordered, PPID 50, on the channel's stream.
        FakeSctpPair.Sent open = p.sctp.a.sentWithPpid(Ppid.DCEP).get(0);
        assertThat(open.stream()).isEqualTo(expectedId);
        assertThat(open.unordered()).isFalse();
        assertThat(open.reliability()).isEqualTo(Reliability.RELIABLE);
        assertThat(DcepMessage.parse(open.payload(), 0, open.payload().length)).isEqualTo(
                new DcepMessage.Open(ChannelType.RELIABLE, DcepMessage.PRIORITY_HIGH, 0, "chat", "json"));

        p.settle();
        // b: datachannel then open; ACK sent back the same way.
        List<DataChannelEvent.ChannelOpenedByRemote> remote = of(p.eventsB,
                DataChannelEvent.ChannelOpenedByRemote.class);
        assertThat(remote).hasSize(1);
        int hb = remote.get(0).channel();
        assertThat(remote.get(0).info()).isEqualTo(new ChannelInfo("chat", true, null, null, "json", false,
                expectedId, DcepMessage.PRIORITY_HIGH));
        assertThat(kinds(p.eventsB, hb)).containsExactly(Kind.CHANNEL_OPENED_BY_REMOTE, Kind.OPEN);
        FakeSctpPair.Sent ack = p.sctp.b.sentWithPpid(Ppid.DCEP).get(0);
        assertThat(ack.stream()).isEqualTo(expectedId);
        assertThat(ack.payload()).containsExactly(DcepMessage.TYPE_ACK);
        assertThat(ack.unordered()).isFalse();
        // a opens on the ACK.
        assertThat(kinds(p.eventsA, ha)).containsExactly(Kind.OPEN);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.OPEN);
        assertThat(p.b.state(hb)).isEqualTo(DataChannelState.OPEN);

        p.a.send(NOW, ha, "hello");
        p.b.send(NOW, hb, new byte[] {1, 2, 3});
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class).get(0).text()).isEqualTo("hello");
        assertThat(of(p.eventsA, DataChannelEvent.Message.class).get(0).data()).containsExactly(1, 2, 3);
        assertThat(p.a.stats(ha)).isEqualTo(new DataChannelStats(1, 5, 1, 3));
        assertThat(p.b.stats(hb)).isEqualTo(new DataChannelStats(1, 3, 1, 5));
        assertThat(p.a.dropped()).isEmpty();
        assertThat(p.b.dropped()).isEmpty();
    }

    @Test
    void bothSidesOpenChannelsAtOnceWithoutCollisions() {
        DataChannelPair p = new DataChannelPair();
        p.roles(true);
        List<Integer> fromA = new ArrayList<>();
        List<Integer> fromB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fromA.add(p.a.open(NOW, "a" + i, true, null, null, "", false, null, NORMAL));
            fromB.add(p.b.open(NOW, "b" + i, true, null, null, "", false, null, NORMAL));
        }
        // Ids come with the connection (W3C), in creation order.
        assertThat(fromA.stream().map(p.a::streamId)).containsOnlyNulls();
        p.connect();
        assertThat(fromA.stream().map(p.a::streamId)).containsExactly(0, 2, 4, 6, 8);
        assertThat(fromB.stream().map(p.b::streamId)).containsExactly(1, 3, 5, 7, 9);
        assertThat(of(p.eventsA, DataChannelEvent.ChannelOpenedByRemote.class)).hasSize(5);
        assertThat(of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class)).hasSize(5);
        assertThat(of(p.eventsA, DataChannelEvent.Open.class)).hasSize(10);
        assertThat(of(p.eventsB, DataChannelEvent.Open.class)).hasSize(10);
    }

    @Test
    void idIsDeferredUntilTheDtlsRoleIsKnown() {
        DataChannelPair p = new DataChannelPair();
        int ha = p.a.open(NOW, "x", true, null, null, "", false, null, NORMAL);
        assertThat(p.a.streamId(ha)).isNull();
        assertThat(p.a.info(ha).id()).isNull();
        p.b.setDtlsRole(NOW, true);
        p.connect(); // connected, but a's role still unknown: nothing sent
        assertThat(p.sctp.a.sent).isEmpty();
        assertThat(p.a.maxChannels()).isEqualTo(65535);
        p.a.setDtlsRole(NOW, false);
        assertThat(p.a.streamId(ha)).isEqualTo(1);
        p.settle();
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.OPEN);
        assertThat(of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class)).hasSize(1);
    }

    @Test
    void negotiatedChannelsSkipDcepAndOpenOnConnect() {
        DataChannelPair p = new DataChannelPair();
        p.roles(true);
        int ha = p.a.open(NOW, "n", false, 2, null, "", true, 5, NORMAL);
        int hb = p.b.open(NOW, "n", false, 2, null, "", true, 5, NORMAL);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.CONNECTING);
        p.connect();
        assertThat(kinds(p.eventsA, ha)).containsExactly(Kind.OPEN);
        assertThat(kinds(p.eventsB, hb)).containsExactly(Kind.OPEN);
        assertThat(p.sctp.a.sentWithPpid(Ppid.DCEP)).isEmpty();
        assertThat(p.sctp.b.sentWithPpid(Ppid.DCEP)).isEmpty();
        assertThat(of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class)).isEmpty();
        p.a.send(NOW, ha, "over 5");
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class).get(0).channel()).isEqualTo(hb);
        FakeSctpPair.Sent s = p.sctp.a.sentWithPpid(Ppid.STRING).get(0);
        assertThat(s.stream()).isEqualTo(5);
        assertThat(s.unordered()).isTrue();
        assertThat(s.reliability()).isEqualTo(Reliability.maxRetransmits(2));
        // A negotiated channel created after connecting opens at once.
        int late = p.a.open(NOW, "late", true, null, null, "", true, 8, NORMAL);
        assertThat(p.a.state(late)).isEqualTo(DataChannelState.OPEN);
    }

    @Test
    void presetIdWithoutNegotiationStillSendsOpen() {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "preset", true, null, null, "", false, 40, NORMAL);
        p.settle();
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.OPEN);
        assertThat(of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class).get(0).info().id()).isEqualTo(40);
    }

    @Test
    void w3cArgumentRules() {
        DataChannelPair p = DataChannelPair.connected(true);
        p.a.open(NOW, "n", true, null, null, "", true, 6, NORMAL);
        assertError("OperationError", () -> p.a.open(NOW, "dup", true, null, null, "", true, 6, NORMAL));
        assertError("OperationError", () -> p.a.open(NOW, "dup", true, null, null, "", false, 6, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "big", true, null, null, "", true, 65535, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "neg", true, null, null, "", true, -1, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "noid", true, null, null, "", true, null, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "both", true, 1, 1, "", false, null, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "rexmit", true, 65536, null, "", false, null, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "life", true, null, -1, "", false, null, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "x".repeat(65536), true, null, null, "", false, null, NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "", true, null, null, "\u00e9".repeat(32768), false, null,
                NORMAL));
        assertError("TypeError", () -> p.a.open(NOW, "prio", true, null, null, "", false, null, 70000));
        // A label of exactly 65535 bytes is fine.
        p.a.open(NOW, "x".repeat(65535), true, null, null, "", false, null, NORMAL);
        assertThat(p.a.dropped()).isEmpty();
    }

    @Test
    void idsAtOrAboveNegotiatedStreamsFail() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(16, 32, 1 << 20), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT);
        p.roles(true);
        int early = p.a.open(NOW, "early", true, null, null, "", true, 20, NORMAL);
        int fine = p.a.open(NOW, "fine", true, null, null, "", true, 14, NORMAL);
        p.connect();
        assertThat(p.a.maxChannels()).isEqualTo(16);
        List<DataChannelEvent> ev = DataChannelPair.forChannel(p.eventsA, early);
        assertThat(ev).extracting(DataChannelEvent::kind).containsExactly(Kind.ERROR, Kind.CLOSE);
        assertThat(((DataChannelEvent.Error) ev.get(0)).errorDetail()).isEqualTo("data-channel-failure");
        assertThat(p.a.state(early)).isEqualTo(DataChannelState.CLOSED);
        assertThat(p.a.state(fine)).isEqualTo(DataChannelState.OPEN);
        assertError("OperationError", () -> p.a.open(NOW, "late", true, null, null, "", true, 16, NORMAL));
        // Automatic ids stay below the limit and run out: 0,2,..,12 (14 taken).
        for (int i = 0; i < 7; i++) {
            p.a.open(NOW, "auto" + i, true, null, null, "", false, null, NORMAL);
        }
        assertError("OperationError", () -> p.a.open(NOW, "none left", true, null, null, "", false, null, NORMAL));
    }

    @Test
    void remoteOpenWithOurParityIsRefusedByReset() {
        DataChannelPair p = DataChannelPair.connected(true); // a even, b odd
        byte[] open = new DcepMessage.Open(ChannelType.RELIABLE, NORMAL, 0, "sneaky", "").encode();
        p.sctp.b.inject(3, Ppid.DCEP, open, false); // odd is b's own parity
        p.sctp.b.inject(3, Ppid.STRING, "data".getBytes(StandardCharsets.UTF_8), false);
        p.settle();
        assertThat(p.b.dropped("open-wrong-parity")).isEqualTo(1);
        assertThat(p.b.dropped("stream-closing")).isEqualTo(1);
        assertThat(of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class)).isEmpty();
        assertThat(p.sctp.b.resetRequests).anySatisfy(ids -> assertThat(ids).containsExactly(3));
        // a had no channel on 3: it counts the reset and does not answer it; b keeps 3 reserved.
        assertThat(p.a.dropped("reset-unknown-stream")).isEqualTo(1);
        assertThat(p.sctp.b.unconsumed).isZero();
        // A channel from b skips the reserved stream.
        int hb = p.b.open(NOW, "mine", true, null, null, "", false, null, NORMAL);
        assertThat(p.b.streamId(hb)).isEqualTo(1);
        int hb2 = p.b.open(NOW, "mine2", true, null, null, "", false, null, NORMAL);
        assertThat(p.b.streamId(hb2)).isEqualTo(5);
    }

    @Test
    void refusedOpenFreesTheStreamOnceTheRemoteResetsToo() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withMaxChannels(1));
        p.roles(true);
        p.connect();
        int first = p.a.open(NOW, "one", true, null, null, "", false, null, NORMAL);
        int second = p.a.open(NOW, "two", true, null, null, "", false, null, NORMAL);
        p.settle();
        assertThat(p.a.state(first)).isEqualTo(DataChannelState.OPEN);
        // b is at its limit: it refuses by resetting; a sees closing, then close once both are reset.
        assertThat(p.b.dropped("open-channel-limit")).isEqualTo(1);
        assertThat(kinds(p.eventsA, second)).containsExactly(Kind.CLOSING, Kind.CLOSE);
        assertThat(p.a.channels()).containsExactly(first);
        assertThat(p.b.channels()).hasSize(1);
        assertThat(p.a.isConsistent()).isTrue();
    }

    @Test
    void remoteOpenOnAStreamInUseLeavesTheChannelAlone() {
        DataChannelPair p = new DataChannelPair();
        p.roles(true);
        int ha = p.a.open(NOW, "n", true, null, null, "", true, 4, NORMAL);
        int hb = p.b.open(NOW, "n", true, null, null, "", true, 4, NORMAL);
        p.connect();
        byte[] open = new DcepMessage.Open(ChannelType.RELIABLE, NORMAL, 0, "again", "").encode();
        p.sctp.b.inject(4, Ppid.DCEP, open, false);
        p.settle();
        assertThat(p.b.dropped("open-stream-in-use")).isEqualTo(1);
        assertThat(p.b.state(hb)).isEqualTo(DataChannelState.OPEN);
        assertThat(p.sctp.b.resetRequests).isEmpty();
        p.a.send(NOW, ha, "still here");
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class)).hasSize(1);
    }

    @Test
    void remoteOpenWithOversizedLabelIsRefused() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withMaxLabelBytes(8));
        p.roles(true);
        p.connect();
        int ok = p.a.open(NOW, "12345678", true, null, null, "", false, null, NORMAL);
        int tooLong = p.a.open(NOW, "123456789", true, null, null, "", false, null, NORMAL);
        p.settle();
        assertThat(p.a.state(ok)).isEqualTo(DataChannelState.OPEN);
        assertThat(p.a.state(tooLong)).isEqualTo(DataChannelState.CLOSED);
        assertThat(p.b.dropped("open-label-too-long")).isEqualTo(1);
    }

    @Test
    void dataBeforeAckIsAnImplicitAck() {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "fast", true, null, null, "", false, null, NORMAL);
        // The remote's first message overtakes its ACK (e.g. sent unordered).
        p.sctp.a.inject(0, Ppid.BINARY, new byte[] {9}, true);
        p.a.pollSctpEvents(NOW);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.OPEN);
        DataChannelEvent e1 = p.a.pollEvent();
        DataChannelEvent e2 = p.a.pollEvent();
        assertThat(e1).isEqualTo(new DataChannelEvent.Open(ha));
        assertThat(((DataChannelEvent.Message) e2).data()).containsExactly(9);
        p.settle(); // the real ACK arrives later: not an error
        assertThat(p.a.dropped()).isEmpty();
        assertThat(of(p.eventsA, DataChannelEvent.Open.class)).isEmpty();
    }

    @Test
    void malformedDcepUnknownStreamAndUnknownPpidAreCounted() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("c");
        p.sctp.b.inject(0, Ppid.DCEP, new byte[] {7, 7}, false);
        p.sctp.b.inject(0, Ppid.DCEP, new byte[] {DcepMessage.TYPE_ACK}, false);
        p.sctp.b.inject(100, Ppid.STRING, new byte[] {65}, false);
        p.sctp.b.inject(0, 99, new byte[] {1, 2}, false);
        p.sctp.b.inject(0, Ppid.DCEP, new byte[] {3, 0, 0}, false); // truncated OPEN on a used stream
        p.sctp.b.inject(10, Ppid.DCEP, new byte[] {3, 0, 0}, false); // truncated OPEN on a free stream
        p.settle();
        assertThat(p.b.dropped("malformed-dcep")).isEqualTo(3);
        assertThat(p.b.dropped("unexpected-ack")).isEqualTo(1);
        assertThat(p.b.dropped("unknown-stream")).isEqualTo(1);
        assertThat(p.b.dropped("unknown-ppid")).isEqualTo(1);
        assertThat(p.b.state(h[1])).isEqualTo(DataChannelState.OPEN);
        assertThat(p.sctp.b.resetRequests).anySatisfy(ids -> assertThat(ids).containsExactly(10));
        assertThat(p.sctp.b.unconsumed).isZero();
    }

    // ---- messages -----------------------------------------------------------------------------

    static Stream<Arguments> sizes() {
        List<Arguments> out = new ArrayList<>();
        for (int size : new int[] {0, 1, 2, 3, 100, 1199, 1200, 1201, 16383, 16384, 65535, 65536, 65537, 100_000,
                262_143, 262_144}) {
            out.add(Arguments.of(size, true));
            out.add(Arguments.of(size, false));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} bytes, text {1}")
    @MethodSource("sizes")
    void messagesArriveWhole(int size, boolean text) {
        DataChannelPair p = DataChannelPair.connected(true);
        p.a.setRemoteMaxMessageSize(262144L);
        int[] h = p.openFromA("m");
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        if (text) {
            for (int i = 0; i < size; i++) {
                data[i] = (byte) ('a' + (data[i] & 15));
            }
            p.a.send(NOW, h[0], new String(data, StandardCharsets.US_ASCII));
        } else {
            p.a.send(NOW, h[0], data);
        }
        FakeSctpPair.Sent s = p.sctp.a.sent.get(p.sctp.a.sent.size() - 1);
        int ppid = size == 0 ? (text ? Ppid.STRING_EMPTY : Ppid.BINARY_EMPTY) : (text ? Ppid.STRING : Ppid.BINARY);
        assertThat(s.ppid()).isEqualTo(ppid);
        assertThat(s.payload()).hasSize(Math.max(1, size));
        p.settle();
        DataChannelEvent.Message m = of(p.eventsB, DataChannelEvent.Message.class).get(0);
        assertThat(m.isText()).isEqualTo(text);
        assertThat(m.data()).isEqualTo(data);
        assertThat(p.b.stats(h[1])).isEqualTo(new DataChannelStats(0, 0, 1, size));
        assertThat(p.a.stats(h[0])).isEqualTo(new DataChannelStats(1, size, 0, 0));
        assertThat(p.sctp.b.unconsumed).isZero();
    }

    @Test
    void emptyMessagesAreOneZeroByteOnTheWireAndEmptyOnDelivery() {
        DataChannelPair p = DataChannelPair.connected(false);
        int[] h = p.openFromA("e");
        p.a.send(NOW, h[0], "");
        assertThat(p.a.bufferedAmount(h[0])).isZero(); // the placeholder byte is not application data
        p.a.send(NOW, h[0], new byte[0]);
        List<FakeSctpPair.Sent> sent = p.sctp.a.sent.subList(p.sctp.a.sent.size() - 2, p.sctp.a.sent.size());
        assertThat(sent).extracting(FakeSctpPair.Sent::ppid).containsExactly(Ppid.STRING_EMPTY, Ppid.BINARY_EMPTY);
        assertThat(sent).allSatisfy(s -> assertThat(s.payload()).containsExactly(0));
        p.settle();
        List<DataChannelEvent.Message> got = of(p.eventsB, DataChannelEvent.Message.class);
        assertThat(got).extracting(DataChannelEvent.Message::isText).containsExactly(true, false);
        assertThat(got).allSatisfy(m -> assertThat(m.data()).isEmpty());
        assertThat(got.get(0).text()).isEmpty();
        assertThat(p.b.stats(h[1])).isEqualTo(new DataChannelStats(0, 0, 2, 0));
        // The receiver ignores whatever the placeholder byte holds.
        p.sctp.b.inject(1, Ppid.BINARY_EMPTY, new byte[] {42}, false);
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class).get(2).data()).isEmpty();
        assertThat(p.sctp.b.unconsumed).isZero();
    }

    @Test
    void textWithLoneSurrogatesIsSentAsReplacementCharacters() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("t");
        p.a.send(NOW, h[0], "a\uD800b");
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class).get(0).text()).isEqualTo("a\uFFFDb");
    }

    @Test
    void maxMessageSizeAbsentMeans65536() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("m");
        assertThat(p.a.maxMessageSize()).isEqualTo(65536);
        p.a.send(NOW, h[0], new byte[65536]);
        int before = p.sctp.a.sent.size();
        assertError("TypeError", () -> p.a.send(NOW, h[0], new byte[65537]));
        assertError("TypeError", () -> p.a.send(NOW, h[0], "x".repeat(65537)));
        // Counted in UTF-8 bytes: 32769 two-byte characters are too many.
        assertError("TypeError", () -> p.a.send(NOW, h[0], "\u00e9".repeat(32769)));
        assertThat(p.sctp.a.sent).hasSize(before);
        assertThat(p.a.stats(h[0]).messagesSent()).isEqualTo(1);
    }

    @Test
    void maxMessageSizeFromTheRemote() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("m");
        p.a.setRemoteMaxMessageSize(262144L);
        p.a.send(NOW, h[0], new byte[262144]);
        assertError("TypeError", () -> p.a.send(NOW, h[0], new byte[262145]));
        p.a.setRemoteMaxMessageSize(0L); // any size (RFC 8841)
        assertThat(p.a.maxMessageSize()).isEqualTo(Long.MAX_VALUE);
        p.a.send(NOW, h[0], new byte[1 << 20]);
        p.sctp.a.maxMessage = 1 << 20;
        assertError("TypeError", () -> p.a.send(NOW, h[0], new byte[(1 << 20) + 1])); // SCTP's own bound
        p.a.setRemoteMaxMessageSize(null);
        assertThat(p.a.maxMessageSize()).isEqualTo(65536);
        assertThatThrownBy(() -> p.a.setRemoteMaxMessageSize(-1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void localSendLimitCapsMaxMessageSize() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(),
                DataChannelConfig.DEFAULT.withLocalMaxSendMessageSize(1000), DataChannelConfig.DEFAULT);
        p.roles(true);
        p.connect();
        p.a.setRemoteMaxMessageSize(0L);
        assertThat(p.a.maxMessageSize()).isEqualTo(1000);
    }

    @Test
    void receiverDropsMessagesAboveItsLimit() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withMaxReceiveMessageSize(1000));
        p.roles(true);
        p.connect();
        int[] h = p.openFromA("m");
        p.a.send(NOW, h[0], new byte[1000]);
        p.a.send(NOW, h[0], new byte[1001]);
        p.settle();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class)).hasSize(1);
        assertThat(p.b.dropped("too-large")).isEqualTo(1);
        assertThat(p.sctp.b.unconsumed).isZero();
    }

    static Stream<Arguments> channelTypes() {
        return Stream.of(
                Arguments.of(true, null, null, ChannelType.RELIABLE, 0L, Reliability.RELIABLE),
                Arguments.of(false, null, null, ChannelType.RELIABLE_UNORDERED, 0L, Reliability.RELIABLE),
                Arguments.of(true, 0, null, ChannelType.PARTIAL_RELIABLE_REXMIT, 0L, Reliability.maxRetransmits(0)),
                Arguments.of(false, 0, null, ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, 0L,
                        Reliability.maxRetransmits(0)),
                Arguments.of(false, 65535, null, ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, 65535L,
                        Reliability.maxRetransmits(65535)),
                Arguments.of(true, null, 150, ChannelType.PARTIAL_RELIABLE_TIMED, 150L, Reliability.maxLifetime(150)),
                Arguments.of(false, null, 0, ChannelType.PARTIAL_RELIABLE_TIMED_UNORDERED, 0L,
                        Reliability.maxLifetime(0)));
    }

    @ParameterizedTest(name = "ordered {0}, maxRetransmits {1}, maxPacketLifeTime {2}")
    @MethodSource("channelTypes")
    void channelTypeMapsToDcepAndSctpSend(boolean ordered, Integer rexmit, Integer lifetime, ChannelType type,
            long parameter, Reliability reliability) throws Exception {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "t", ordered, rexmit, lifetime, "", false, null, NORMAL);
        FakeSctpPair.Sent openSent = p.sctp.a.sentWithPpid(Ppid.DCEP).get(0);
        DcepMessage.Open open = (DcepMessage.Open) DcepMessage.parse(openSent.payload(), 0,
                openSent.payload().length);
        assertThat(open.channelType()).isEqualTo(type);
        assertThat(open.reliabilityParameter()).isEqualTo(parameter);
        assertThat(openSent.unordered()).isFalse(); // DCEP itself is always ordered and reliable
        assertThat(openSent.reliability()).isEqualTo(Reliability.RELIABLE);
        p.settle();
        int hb = of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class).get(0).channel();
        ChannelInfo remote = p.b.info(hb);
        assertThat(remote.ordered()).isEqualTo(ordered);
        assertThat(remote.maxRetransmits()).isEqualTo(rexmit);
        assertThat(remote.maxPacketLifeTime()).isEqualTo(lifetime);
        p.a.send(NOW, ha, "x");
        p.b.send(NOW, hb, new byte[] {1});
        for (FakeSctpPair.Sent s : List.of(p.sctp.a.sentWithPpid(Ppid.STRING).get(0),
                p.sctp.b.sentWithPpid(Ppid.BINARY).get(0))) {
            assertThat(s.unordered()).isEqualTo(!ordered);
            assertThat(s.reliability()).isEqualTo(reliability);
        }
    }

    @Test
    void sendOnlyWhenOpen() {
        DataChannelPair p = new DataChannelPair();
        p.roles(true);
        int ha = p.a.open(NOW, "c", true, null, null, "", false, null, NORMAL);
        assertError("InvalidStateError", () -> p.a.send(NOW, ha, "too early"));
        p.connect();
        p.a.close(NOW, ha);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.CLOSING);
        assertError("InvalidStateError", () -> p.a.send(NOW, ha, "closing"));
        p.settle();
        assertError("InvalidStateError", () -> p.a.send(NOW, ha, "closed"));
        assertError("InvalidStateError", () -> p.a.send(NOW, 12345, "never existed"));
    }

    @Test
    void sendQueueOverflowIsAnOperationError() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(),
                DataChannelConfig.DEFAULT.withMaxBufferedAmount(100_000), DataChannelConfig.DEFAULT);
        p.roles(true);
        p.connect();
        int[] h = p.openFromA("q");
        p.a.send(NOW, h[0], new byte[60_000]);
        assertError("OperationError", () -> p.a.send(NOW, h[0], new byte[40_001]));
        p.a.send(NOW, h[0], new byte[40_000]);
        assertThat(p.a.bufferedAmount(h[0])).isEqualTo(100_000);
        p.settle();
        p.a.send(NOW, h[0], new byte[60_000]); // drained: room again
    }

    @Test
    void deprecatedPartialPpidsAreReassembled() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("old");
        p.sctp.b.inject(0, Ppid.STRING_PARTIAL, "ab".getBytes(StandardCharsets.UTF_8), false);
        p.sctp.b.inject(0, Ppid.STRING_PARTIAL, "cd".getBytes(StandardCharsets.UTF_8), false);
        p.sctp.b.inject(0, Ppid.STRING, "ef".getBytes(StandardCharsets.UTF_8), false);
        p.sctp.b.inject(0, Ppid.BINARY_PARTIAL, new byte[] {1}, false);
        p.sctp.b.inject(0, Ppid.BINARY, new byte[] {2}, false);
        // Mismatched kinds and unordered pieces are dropped.
        p.sctp.b.inject(0, Ppid.BINARY_PARTIAL, new byte[] {1}, false);
        p.sctp.b.inject(0, Ppid.STRING, new byte[] {65}, false);
        p.sctp.b.inject(0, Ppid.STRING_PARTIAL, new byte[] {65}, true);
        p.settle();
        List<DataChannelEvent.Message> got = of(p.eventsB, DataChannelEvent.Message.class);
        assertThat(got).hasSize(2);
        assertThat(got.get(0).text()).isEqualTo("abcdef");
        assertThat(got.get(1).data()).containsExactly(1, 2);
        assertThat(p.b.dropped("partial-mismatch")).isEqualTo(1);
        assertThat(p.b.dropped("partial-unordered")).isEqualTo(1);
        assertThat(p.sctp.b.unconsumed).isZero();
        assertThat(p.b.stats(h[1]).messagesReceived()).isEqualTo(2);
    }

    @Test
    void partialReassemblyIsBounded() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withMaxReceiveMessageSize(10));
        p.roles(true);
        p.connect();
        p.openFromA("old");
        for (int i = 0; i < 3; i++) {
            p.sctp.b.inject(0, Ppid.BINARY_PARTIAL, new byte[4], false);
        }
        p.sctp.b.inject(0, Ppid.BINARY, new byte[4], false);
        p.settle();
        assertThat(p.b.dropped("too-large")).isEqualTo(1);
        assertThat(p.b.dropped("unknown-ppid")).isZero();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class)).hasSize(1); // the last piece alone
        assertThat(p.sctp.b.unconsumed).isZero();
    }

    // ---- buffered amount ----------------------------------------------------------------------

    @Test
    void bufferedAmountLowFiresOnlyWhenCrossingDown() {
        // b never consumes: a's messages wait behind the 200-byte window.
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(65535, 65535, 200), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withAutoConsume(false));
        p.roles(true);
        p.connect();
        int[] h = p.openFromA("b");
        drainConsumingB(p);
        p.a.setBufferedAmountLowThreshold(h[0], 150);
        for (int i = 0; i < 4; i++) {
            p.a.send(NOW, h[0], new byte[100]);
        }
        assertThat(p.a.bufferedAmount(h[0])).isEqualTo(400);
        p.pollB = false;
        p.settle(); // two delivered: 200 left, still above 150
        assertThat(p.a.bufferedAmount(h[0])).isEqualTo(200);
        assertThat(of(p.eventsA, DataChannelEvent.BufferedAmountLow.class)).isEmpty();
        drainConsumingB(p); // room for the rest: 200 -> 100 -> 0, one event at the crossing
        assertThat(p.a.bufferedAmount(h[0])).isZero();
        List<DataChannelEvent.BufferedAmountLow> low = of(p.eventsA, DataChannelEvent.BufferedAmountLow.class);
        // One event; its value is bufferedAmount when the core saw the decrease (here both
        // remaining messages went in the same pump, so already 0).
        assertThat(low).hasSize(1);
        assertThat(low.get(0).channel()).isEqualTo(h[0]);
        assertThat(low.get(0).bufferedAmount()).isLessThanOrEqualTo(150);

        // Below the threshold all along: no event.
        p.a.send(NOW, h[0], new byte[100]);
        drainConsumingB(p);
        assertThat(of(p.eventsA, DataChannelEvent.BufferedAmountLow.class)).hasSize(1);

        // Threshold 0 fires when it empties; empty messages alone never change bufferedAmount.
        p.a.setBufferedAmountLowThreshold(h[0], 0);
        p.a.send(NOW, h[0], new byte[0]);
        drainConsumingB(p);
        assertThat(of(p.eventsA, DataChannelEvent.BufferedAmountLow.class)).hasSize(1);
        p.a.send(NOW, h[0], new byte[10]);
        drainConsumingB(p);
        assertThat(of(p.eventsA, DataChannelEvent.BufferedAmountLow.class)).hasSize(2);
        assertError("TypeError", () -> p.a.setBufferedAmountLowThreshold(h[0], -1));
    }

    private static void drainConsumingB(DataChannelPair p) {
        p.pollB = false;
        for (int i = 0; i < 100; i++) {
            p.settle();
            DataChannelEvent e;
            boolean any = false;
            while ((e = p.b.pollEvent()) != null) {
                p.eventsB.add(e);
                if (e instanceof DataChannelEvent.Message m) {
                    p.b.consumed(m);
                }
                any = true;
            }
            if (!any) {
                return;
            }
        }
    }

    @Test
    void bufferedAmountCountsApplicationBytesOnly() {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "o", true, null, null, "", true, 2, NORMAL);
        p.settle();
        p.a.send(NOW, ha, new byte[100]);
        p.a.send(NOW, ha, "");
        assertThat(p.sctp.a.bufferedAmount(2)).isEqualTo(101);
        assertThat(p.a.bufferedAmount(ha)).isEqualTo(100);
        p.a.send(NOW, ha, "abc");
        assertThat(p.a.bufferedAmount(ha)).isEqualTo(103);
        p.settle();
        assertThat(p.a.bufferedAmount(ha)).isZero();
    }

    @Test
    void openMessageIsNotCountedInBufferedAmount() {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "label-that-takes-bytes", true, null, null, "", false, null, NORMAL);
        p.sctp.a.inject(0, Ppid.STRING, new byte[] {65}, false); // implicit ACK; the OPEN is still queued
        p.a.pollSctpEvents(NOW);
        assertThat(p.sctp.a.bufferedAmount(0)).isGreaterThan(0);
        assertThat(p.a.bufferedAmount(ha)).isZero();
        p.a.send(NOW, ha, new byte[10]);
        assertThat(p.a.bufferedAmount(ha)).isEqualTo(10);
    }

    // ---- closing ------------------------------------------------------------------------------

    @ParameterizedTest(name = "closed by the opener: {0}")
    @ValueSource(booleans = {true, false})
    void closeFromEitherSide(boolean byOpener) {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("bye");
        DataChannelCore closer = byOpener ? p.a : p.b;
        DataChannelCore other = byOpener ? p.b : p.a;
        int hc = byOpener ? h[0] : h[1];
        int ho = byOpener ? h[1] : h[0];
        List<DataChannelEvent> closerEvents = byOpener ? p.eventsA : p.eventsB;
        List<DataChannelEvent> otherEvents = byOpener ? p.eventsB : p.eventsA;
        closer.send(NOW, hc, "last words");
        closer.close(NOW, hc);
        assertThat(closer.state(hc)).isEqualTo(DataChannelState.CLOSING);
        closer.close(NOW, hc); // again: nothing
        p.settle();
        // The message queued before close() arrives before the reset.
        List<DataChannelEvent> ev = DataChannelPair.forChannel(otherEvents, ho);
        assertThat(ev.stream().map(DataChannelEvent::kind).toList()).endsWith(Kind.MESSAGE, Kind.CLOSING, Kind.CLOSE);
        assertThat(kinds(closerEvents, hc)).endsWith(Kind.CLOSE).doesNotContain(Kind.CLOSING, Kind.ERROR);
        assertThat(closer.state(hc)).isEqualTo(DataChannelState.CLOSED);
        assertThat(other.state(ho)).isEqualTo(DataChannelState.CLOSED);
        assertThat(p.a.channels()).isEmpty();
        assertThat(p.b.channels()).isEmpty();
        DataChannelEvent.Close close = DataChannelPair.last(closerEvents, DataChannelEvent.Close.class,
                c -> c.channel() == hc);
        assertThat(close.stats().messagesSent()).isEqualTo(1);
        // Stream 0 is free again on both sides.
        int[] again = p.openFromA("again");
        assertThat(p.a.streamId(again[0])).isZero();
        assertThat(p.a.dropped()).isEmpty();
        assertThat(p.b.dropped()).isEmpty();
    }

    @Test
    void closeBeforeConnectingClosesAtOnce() {
        DataChannelPair p = new DataChannelPair();
        p.roles(true);
        int ha = p.a.open(NOW, "never", true, null, null, "", false, null, NORMAL);
        p.a.close(NOW, ha);
        assertThat(p.a.state(ha)).isEqualTo(DataChannelState.CLOSED);
        p.connect();
        assertThat(kinds(p.eventsA, ha)).containsExactly(Kind.CLOSE);
        assertThat(p.sctp.a.sent).isEmpty();
        int again = p.a.open(NOW, "id 0 again", true, null, null, "", false, null, NORMAL);
        assertThat(p.a.streamId(again)).isZero();
    }

    @Test
    void closeWhileWaitingForAck() {
        DataChannelPair p = DataChannelPair.connected(true);
        int ha = p.a.open(NOW, "hasty", true, null, null, "", false, null, NORMAL);
        p.a.close(NOW, ha);
        p.settle();
        assertThat(kinds(p.eventsA, ha)).containsExactly(Kind.CLOSE);
        int hb = of(p.eventsB, DataChannelEvent.ChannelOpenedByRemote.class).get(0).channel();
        assertThat(kinds(p.eventsB, hb)).containsExactly(Kind.CHANNEL_OPENED_BY_REMOTE, Kind.OPEN, Kind.CLOSING,
                Kind.CLOSE);
        // b's ACK crossed a's reset: a discards it without complaint once the stream is gone.
        assertThat(p.a.channels()).isEmpty();
    }

    @Test
    void bothSidesCloseAtOnce() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("x");
        p.a.close(NOW, h[0]);
        p.b.close(NOW, h[1]);
        p.settle();
        assertThat(kinds(p.eventsA, h[0])).endsWith(Kind.CLOSE);
        assertThat(kinds(p.eventsB, h[1])).endsWith(Kind.CLOSE);
        assertThat(p.a.channels()).isEmpty();
        assertThat(p.b.channels()).isEmpty();
    }

    @Test
    void refusedResetIsRetriedThenFails() {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h = p.openFromA("stubborn");
        p.sctp.a.refuseResets = 1;
        p.a.close(NOW, h[0]);
        p.settle();
        assertThat(p.sctp.a.resetRequests).hasSize(2);
        assertThat(kinds(p.eventsA, h[0])).endsWith(Kind.CLOSE).doesNotContain(Kind.ERROR);

        int[] h2 = p.openFromA("hopeless");
        p.sctp.a.refuseResets = 3;
        p.a.close(NOW, h2[0]);
        p.settle();
        List<DataChannelEvent> ev = DataChannelPair.forChannel(p.eventsA, h2[0]);
        assertThat(ev.stream().map(DataChannelEvent::kind).toList()).endsWith(Kind.ERROR, Kind.CLOSE);
    }

    @Test
    void thousandChannelsOpenedClosedAndIdsReused() {
        DataChannelPair p = DataChannelPair.connected(true);
        for (int round = 0; round < 2; round++) {
            List<Integer> handlesA = new ArrayList<>();
            List<Integer> handlesB = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                handlesA.add(p.a.open(NOW, "a" + i, true, null, null, "", false, null, NORMAL));
                handlesB.add(p.b.open(NOW, "b" + i, i % 2 == 0, null, null, "", false, null, NORMAL));
            }
            p.settle();
            Set<Integer> ids = new HashSet<>();
            for (int h : handlesA) {
                assertThat(p.a.state(h)).isEqualTo(DataChannelState.OPEN);
                ids.add(p.a.streamId(h));
            }
            for (int h : handlesB) {
                assertThat(p.b.state(h)).isEqualTo(DataChannelState.OPEN);
                ids.add(p.b.streamId(h));
            }
            assertThat(ids).hasSize(1000);
            assertThat(ids.stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(999);
            assertThat(p.a.channels()).hasSize(1000);
            assertThat(p.b.channels()).hasSize(1000);
            for (int i = 0; i < 500; i++) {
                p.a.send(NOW, handlesA.get(i), "m" + i);
                // Half closed by their opener, half by the other side.
                if (i % 2 == 0) {
                    p.a.close(NOW, handlesA.get(i));
                    p.b.close(NOW, handlesB.get(i));
                }
            }
            p.settle();
            List<Integer> remaining = new ArrayList<>(p.a.channels());
            for (int h : remaining) {
                p.a.close(NOW, h);
            }
            p.settle();
            assertThat(p.a.channels()).isEmpty();
            assertThat(p.b.channels()).isEmpty();
            assertThat(p.a.dropped()).isEmpty();
            assertThat(p.b.dropped()).isEmpty();
            assertThat(p.sctp.a.unconsumed).isZero();
            assertThat(p.sctp.b.unconsumed).isZero();
        }
        assertThat(of(p.eventsA, DataChannelEvent.Close.class)).hasSize(2000);
        assertThat(of(p.eventsB, DataChannelEvent.Close.class)).hasSize(2000);
    }

    @Test
    void channelLimitRefusesLocalOpen() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(),
                DataChannelConfig.DEFAULT.withMaxChannels(2), DataChannelConfig.DEFAULT);
        p.roles(true);
        p.a.open(NOW, "1", true, null, null, "", false, null, NORMAL);
        int two = p.a.open(NOW, "2", true, null, null, "", false, null, NORMAL);
        assertError("OperationError", () -> p.a.open(NOW, "3", true, null, null, "", false, null, NORMAL));
        p.a.close(NOW, two);
        p.a.open(NOW, "3", true, null, null, "", false, null, NORMAL);
    }

    @ParameterizedTest(name = "abort: {0}")
    @ValueSource(booleans = {true, false})
    void associationEndClosesEveryChannel(boolean abort) {
        DataChannelPair p = DataChannelPair.connected(true);
        int[] h1 = p.openFromA("one");
        int[] h2 = p.openFromA("two");
        int pending = p.a.open(NOW, "pending", true, null, null, "", false, null, NORMAL);
        p.a.send(NOW, h1[0], new byte[50]);
        if (abort) {
            p.sctp.a.abort("test", NOW);
        } else {
            p.sctp.a.shutdown(NOW);
        }
        p.settle();
        for (int h : new int[] {h1[0], h2[0], pending}) {
            assertThat(kinds(p.eventsA, h)).endsWith(abort ? new Kind[] {Kind.ERROR, Kind.CLOSE}
                    : new Kind[] {Kind.CLOSE});
            assertThat(kinds(p.eventsA, h)).filteredOn(k -> k == Kind.ERROR).hasSize(abort ? 1 : 0);
        }
        for (int h : new int[] {h1[1], h2[1]}) {
            assertThat(kinds(p.eventsB, h)).endsWith(Kind.CLOSE);
        }
        if (abort) {
            assertThat(of(p.eventsA, DataChannelEvent.Error.class))
                    .allSatisfy(e -> assertThat(e.errorDetail()).isEqualTo("sctp-failure"));
        }
        // bufferedAmount is kept at close (W3C): 50 bytes never left.
        assertThat(DataChannelPair.last(p.eventsA, DataChannelEvent.Close.class, c -> c.channel() == h1[0])
                .bufferedAmount()).isEqualTo(50);
        assertThat(p.a.channels()).isEmpty();
        assertError("InvalidStateError", () -> p.a.open(NOW, "after", true, null, null, "", false, null, NORMAL));
    }

    @Test
    void backpressureHoldsTheWindowUntilConsumed() {
        DataChannelPair p = new DataChannelPair(new FakeSctpPair(65535, 65535, 1000), DataChannelConfig.DEFAULT,
                DataChannelConfig.DEFAULT.withAutoConsume(false));
        p.roles(true);
        p.connect();
        int[] h = p.openFromA("bp");
        drainConsumingB(p);
        for (int i = 0; i < 5; i++) {
            p.a.send(NOW, h[0], new byte[400]);
        }
        p.pollB = false;
        p.settle();
        assertThat(p.sctp.b.unconsumed).isEqualTo(800);
        assertThat(p.a.bufferedAmount(h[0])).isEqualTo(1200);
        drainConsumingB(p);
        assertThat(p.a.bufferedAmount(h[0])).isZero();
        assertThat(p.sctp.b.unconsumed).isZero();
        assertThat(of(p.eventsB, DataChannelEvent.Message.class)).hasSize(5);
    }
}
