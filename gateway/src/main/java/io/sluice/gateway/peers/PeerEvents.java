package io.sluice.gateway.peers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The events of one peer: a bounded log of the most recent ones (by count and by size) (so a subscriber that reconnects
 * with its last seen sequence number misses nothing still held) and the live subscribers. Appended
 * on the peer's event loop; subscribers must hand events off without blocking.
 */
public final class PeerEvents {

    /** Events kept for replay. */
    public static final int KEPT = 1000;

    /** Characters of event data kept for replay (messages carry their payload): about 2 MiB per peer. */
    public static final long KEPT_CHARS = 1L << 20;

    private final String peerId;
    private final ArrayDeque<PeerEvent> log = new ArrayDeque<>();
    private final CopyOnWriteArrayList<Consumer<PeerEvent>> subscribers = new CopyOnWriteArrayList<>();
    private long seq;
    private long chars;

    PeerEvents(String peerId) {
        this.peerId = peerId;
    }

    /** Records an event and hands it to every subscriber. */
    public void publish(String type, Map<String, Object> data) {
        PeerEvent e;
        synchronized (log) {
            e = new PeerEvent(++seq, peerId, type, System.currentTimeMillis(), data);
            log.addLast(e);
            chars += weight(e);
            while (log.size() > 1 && (log.size() > KEPT || chars > KEPT_CHARS)) {
                chars -= weight(log.removeFirst());
            }
        }
        for (Consumer<PeerEvent> s : subscribers) {
            s.accept(e);
        }
    }

    /** Roughly the characters an event holds: its string values. */
    private static long weight(PeerEvent e) {
        long w = 32;
        for (Object v : e.data().values()) {
            if (v instanceof String str) {
                w += str.length();
            }
        }
        return w;
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
