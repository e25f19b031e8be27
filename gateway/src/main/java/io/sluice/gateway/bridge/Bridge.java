package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.RTCDataChannel;

/**
 * Connects an open data channel to something outside WebRTC: what the remote sends goes to the
 * bridge's target, and what the target answers comes back on the channel. Bridges are chosen when
 * a peer is created ({@code bridges: [{channels, target}]}) or per endpoint of the one-call form
 * ({@code ?bridge=}).
 */
public interface Bridge {

    /** The name a bridge declaration uses ({@code target}). */
    String name();

    /** Checks a declaration's options (e.g. a callback URL) before any peer uses them; throws a W3C-named error. */
    default void validate(java.util.Map<String, String> options) {
    }

    /**
     * {@link #validate(java.util.Map)} for a declaration made by {@code owner} (the API key's owner;
     * null without keys): may look at the target (no change there) and at who is asking.
     */
    default void validate(java.util.Map<String, String> options, String owner) {
        validate(options);
    }

    /**
     * Once every declaration of a request passed {@link #validate(java.util.Map, String)}: makes what
     * this one needs exist at the target (a Kafka topic); throws like validate, before any peer changes.
     */
    default void prepare(java.util.Map<String, String> options, String owner) {
    }

    /** Whether the bridge can carry a peer's events ({@code events: true} in a declaration). */
    default boolean carriesEvents() {
        return false;
    }

    /** Starts carrying the peer's events (those already logged first); must not block. */
    default void attachEvents(ManagedPeer peer, java.util.Map<String, String> options) {
        throw new io.sluice.peer.api.error.NotSupportedError("the " + name() + " bridge does not carry peer events");
    }

    /** Called on the peer's event loop when a matching channel opens; must not block. */
    void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, java.util.Map<String, String> options);

    /** TypeError unless every option is one the bridge takes: a misplaced option is a mistake, not a no-op. */
    static void onlyOptions(String bridge, java.util.Map<String, String> options, String... allowed) {
        java.util.List<String> ok = java.util.List.of(allowed);
        for (String key : options.keySet()) {
            if (!ok.contains(key)) {
                throw new io.sluice.peer.api.error.TypeError("the " + bridge + " bridge takes no " + key
                        + (ok.isEmpty() ? "" : " (it takes " + String.join(", ", ok) + ")"));
            }
        }
    }

    /** A listener handing every message to {@code sink} as (binary?, payload bytes; text as UTF-8). */
    static io.sluice.peer.api.DataChannelListener payloads(PayloadSink sink) {
        return new io.sluice.peer.api.DataChannelListener() {
            @Override
            public void onMessage(String text) {
                sink.accept(false, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void onMessage(byte[] data) {
                sink.accept(true, data);
            }
        };
    }

    /** Where {@link #payloads} delivers. */
    @FunctionalInterface
    interface PayloadSink {
        void accept(boolean binary, byte[] payload);
    }
}
