package io.sluice.gateway.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The record headers of the Kafka bridge (values are UTF-8 strings). Outbound records carry all of
 * them; an inbound record needs the peer (header or record key) and a channel (id or label).
 */
public final class SluiceHeaders {

    /** The peer's id (also the record key). */
    public static final String PEER = "sluice-peer";
    /** The gateway's id of the channel ({@code dc1}, ...), as the REST API names it. */
    public static final String CHANNEL = "sluice-channel";
    /** The channel's label. */
    public static final String LABEL = "sluice-channel-label";
    /** The channel's W3C id (its SCTP stream). */
    public static final String STREAM = "sluice-channel-stream";
    /** {@code text} or {@code binary}; inbound records without it are sent as binary. */
    public static final String TYPE = "sluice-type";
    /** 1, 2, 3, ... per channel, in the order the remote sent. */
    public static final String SEQ = "sluice-seq";
    /** When the gateway received the message, epoch milliseconds. */
    public static final String TIMESTAMP = "sluice-timestamp";
    /** The gateway instance holding the peer. */
    public static final String INSTANCE = "sluice-instance";
    /** Where records for this peer go: the holding instance's inbound topic. */
    public static final String REPLY_TOPIC = "sluice-reply-topic";
    /** On dead letters: why the record was not delivered. */
    public static final String ERROR = "sluice-error";
    /** On dead letters of inbound records: {@code topic/partition/offset} of the original. */
    public static final String SOURCE = "sluice-source";

    private SluiceHeaders() {
    }

    public static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
