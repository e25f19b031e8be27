package io.sluice.gateway.peers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The events of one peer: a bounded log of the most recent ones (so a subscriber that reconnects
 * with its last seen sequence number misses nothing still held) and the live subscribers. Appended
 * on the peer's event loop; subscribers must hand events off without blocking.
 */
public final class PeerEvents {

    /** Events kept for replay. */
    public static final int KEPT = 1000;

    private final String peerId;
    private final ArrayDeque<PeerEvent> log = new ArrayDeque<>();
    private final CopyOnWriteArrayList<Consumer<PeerEvent>> subscribers = new CopyOnWriteArrayList<>();
    private long seq;

    PeerEvents(String peerId) {
        this.peerId = peerId;
    }

    /** Records an event and hands it to every subscriber. */
    public void publish(String type, Map<String, Object> data) {
        PeerEvent e;
        synchronized (log) {
            e = new PeerEvent(++seq, peerId, type, System.currentTimeMillis(), data);
            log.addLast(e);
            if (log.size() > KEPT) {
                log.removeFirst();
            }
        }
        for (Consumer<PeerEvent> s : subscribers) {
            s.accept(e);
        }
    }

    /**
     * Subscribes; the events after {@code afterSeq} still held are replayed first, in order, before
     * any live one (the caller's consumer must tolerate being called from the loop).
     */
    public Runnable subscribe(long afterSeq, Consumer<PeerEvent> subscriber) {
        synchronized (log) {
            for (PeerEvent e : log) {
                if (e.seq() > afterSeq) {
                    subscriber.accept(e);
                }
            }
            subscribers.add(subscriber);
        }
        return () -> subscribers.remove(subscriber);
    }

    public List<PeerEvent> recent() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
