package io.sluice.peer.sctp;

import io.sluice.peer.sim.SimNode;
import io.sluice.peer.time.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** An association on a simulated network, recording its events; consumes delivered bytes unless told not to. */
final class SctpNode implements SimNode {

    final String name;
    final SctpAssociation assoc;
    final List<SctpEvent> events = new ArrayList<>();
    final List<SctpEvent.Message> messages = new ArrayList<>();
    boolean autoConsume = true;
    long receivedBytes;
    long unconsumedBytes;
    Consumer<SctpEvent> onEvent = e -> { };
    int connectedEvents;
    SctpEvent.Closed closed;
    /** When set, told the association's stats just before and just after each packet it handles. */
    BiConsumer<SctpStats, SctpStats> onPacketHandled;

    SctpNode(String name, SctpOptions options, long seed) {
        this.name = name;
        this.assoc = new SctpAssociation(options.withLogPrefix(name + " sctp: "), RandomSource.seeded(seed));
    }

    @Override
    public void handlePacket(long now, byte[] packet) {
        SctpStats before = onPacketHandled == null ? null : assoc.stats();
        assoc.handlePacket(now, packet, 0, packet.length);
        if (onPacketHandled != null) {
            onPacketHandled.accept(before, assoc.stats());
        }
        drainEvents();
    }

    @Override
    public void handleTimeout(long now) {
        assoc.handleTimeout(now);
        drainEvents();
    }

    @Override
    public long nextDeadline() {
        return assoc.nextDeadline();
    }

    @Override
    public byte[] pollTransmit() {
        drainEvents();
        return assoc.pollTransmit();
    }

    void drainEvents() {
        SctpEvent e;
        while ((e = assoc.pollEvent()) != null) {
            events.add(e);
            if (e instanceof SctpEvent.Message) {
                SctpEvent.Message m = (SctpEvent.Message) e;
                messages.add(m);
                receivedBytes += m.payload().length;
                if (autoConsume) {
                    assoc.consumed(m.payload().length);
                } else {
                    unconsumedBytes += m.payload().length;
                }
            } else if (e instanceof SctpEvent.Connected) {
                connectedEvents++;
            } else if (e instanceof SctpEvent.Closed) {
                closed = (SctpEvent.Closed) e;
            }
            onEvent.accept(e);
        }
    }

    void consumeAll() {
        long n = unconsumedBytes;
        unconsumedBytes = 0;
        while (n > 0) {
            int k = (int) Math.min(n, Integer.MAX_VALUE);
            assoc.consumed(k);
            n -= k;
        }
    }

    boolean connected() {
        return assoc.state() == SctpCore.SctpState.CONNECTED;
    }

    <T extends SctpEvent> List<T> eventsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SctpEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
