package io.sluice.peer.datachannel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Two {@link DataChannelCore}s over a {@link FakeSctpPair}: {@code a} is the DTLS client (even
 * ids) unless told otherwise. {@link #settle()} runs both until nothing moves, collecting events.
 */
final class DataChannelPair {

    static final long NOW = 0;

    final FakeSctpPair sctp;
    final DataChannelCore a;
    final DataChannelCore b;
    final List<DataChannelEvent> eventsA = new ArrayList<>();
    final List<DataChannelEvent> eventsB = new ArrayList<>();
    /** Off: events stay in the cores until {@link #settle()} is called with polling on. */
    boolean pollA = true;
    boolean pollB = true;

    DataChannelPair(FakeSctpPair sctp, DataChannelConfig configA, DataChannelConfig configB) {
        this.sctp = sctp;
        this.a = new DataChannelCore(sctp.a, configA, "a ");
        this.b = new DataChannelCore(sctp.b, configB, "b ");
    }

    DataChannelPair() {
        this(new FakeSctpPair(), DataChannelConfig.DEFAULT, DataChannelConfig.DEFAULT);
    }

    /** Roles set (a client unless {@code aClient} is false), both connect, settled. */
    static DataChannelPair connected(boolean aClient) {
        DataChannelPair p = new DataChannelPair();
        p.roles(aClient);
        p.connect();
        return p;
    }

    void roles(boolean aClient) {
        a.setDtlsRole(NOW, aClient);
        b.setDtlsRole(NOW, !aClient);
    }

    void connect() {
        sctp.a.connect(NOW);
        sctp.b.connect(NOW);
        settle();
    }

    void settle() {
        for (int i = 0; i < 1_000_000; i++) {
            boolean progress = drain(a, sctp.a, pollA, eventsA);
            progress |= drain(b, sctp.b, pollB, eventsB);
            progress |= sctp.pump();
            if (!progress) {
                if (!a.isConsistent() || !b.isConsistent()) {
                    throw new AssertionError("inconsistent: " + a + " " + b);
                }
                return;
            }
        }
        throw new AssertionError("did not settle");
    }

    private static boolean drain(DataChannelCore core, FakeSctpPair.Side side, boolean poll,
            List<DataChannelEvent> into) {
        boolean progress = side.hasEvents();
        core.pollSctpEvents(NOW);
        if (poll) {
            DataChannelEvent e;
            while ((e = core.pollEvent()) != null) {
                into.add(e);
                progress = true;
            }
        }
        return progress;
    }

    static <T extends DataChannelEvent> List<T> of(List<DataChannelEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (DataChannelEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    static List<DataChannelEvent> forChannel(List<DataChannelEvent> events, int channel) {
        return events.stream().filter(e -> e.channel() == channel).toList();
    }

    static List<DataChannelEvent.Kind> kinds(List<DataChannelEvent> events, int channel) {
        return forChannel(events, channel).stream().map(DataChannelEvent::kind).toList();
    }

    static <T extends DataChannelEvent> T last(List<DataChannelEvent> events, Class<T> type, Predicate<T> p) {
        T found = null;
        for (T e : of(events, type)) {
            if (p.test(e)) {
                found = e;
            }
        }
        return found;
    }

    /** Opens a DCEP channel on {@code a} with defaults and settles; returns {a handle, b handle}. */
    int[] openFromA(String label) {
        int ha = a.open(NOW, label, true, null, null, "", false, null, DcepMessage.PRIORITY_NORMAL);
        settle();
        DataChannelEvent.ChannelOpenedByRemote r = last(eventsB, DataChannelEvent.ChannelOpenedByRemote.class,
                e -> e.info().id().equals(a.streamId(ha)));
        if (r == null) {
            throw new AssertionError("b did not see channel " + label);
        }
        return new int[] {ha, r.channel()};
    }
}
