package io.sluice.peer.api;

import io.sluice.peer.api.error.RTCError;

/**
 * The events of an {@link RTCDataChannel}, one method per W3C event, called on the owning peer
 * connection's event loop in the order they happen. Listeners must not block.
 */
public interface DataChannelListener {

    default void onOpen() {
    }

    /** A text message (W3C {@code message} with a string {@code data}). */
    default void onMessage(String text) {
    }

    /** A binary message (W3C {@code message} with an ArrayBuffer {@code data}); the array is the listener's. */
    default void onMessage(byte[] data) {
    }

    default void onBufferedAmountLow() {
    }

    default void onError(RTCError error) {
    }

    default void onClosing() {
    }

    default void onClose() {
    }
}
