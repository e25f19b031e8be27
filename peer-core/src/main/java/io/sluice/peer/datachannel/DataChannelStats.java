package io.sluice.peer.datachannel;

/**
 * One channel's counters, named as in W3C RTCDataChannelStats. Bytes are application payload
 * bytes: the one placeholder byte of an empty message and DCEP messages are not counted; an
 * empty message counts as a message.
 */
public record DataChannelStats(long messagesSent, long bytesSent, long messagesReceived, long bytesReceived) {
}
