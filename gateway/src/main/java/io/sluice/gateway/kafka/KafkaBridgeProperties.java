package io.sluice.gateway.kafka;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sluice.bridges.kafka.*}: the Kafka bridge.
 *
 * @param enabled whether the gateway has a {@code kafka} bridge at all
 * @param bootstrapServers the cluster; empty: the gateway starts an embedded single-node broker
 * @param embedded where the embedded broker listens and keeps its data
 * @param topics topic names and how the gateway creates them
 * @param instanceId this gateway's name in its inbound topic and consumer group; empty: the host name
 * @param client further Kafka client settings (security.protocol, sasl.*, linger.ms, ...) for every client
 * @param channelHighWater bytes of one channel's records not yet acknowledged by Kafka above which the
 *     channel's reading is paused (resumed at half)
 * @param deliveryTimeout how long the producer keeps retrying a record before it is reported failed
 * @param inboundBufferedAmount a channel whose bufferedAmount is above this takes no more inbound
 *     records until it drains
 * @param inboundHeldPerPartition inbound records held (waiting for their channel) per partition
 *     before the partition's consumption is paused
 * @param inboundHeldBytesPerPartition the same bound in payload bytes
 * @param inboundWaitForChannel how long an inbound record waits for its channel to exist and open
 *     before it goes to the dead-letter topic
 */
@ConfigurationProperties("sluice.bridges.kafka")
public record KafkaBridgeProperties(@DefaultValue("true") boolean enabled,
        @DefaultValue("") String bootstrapServers,
        @DefaultValue Embedded embedded,
        @DefaultValue Topics topics,
        @DefaultValue("") String instanceId,
        @DefaultValue Map<String, String> client,
        @DefaultValue("1MB") DataSize channelHighWater,
        @DefaultValue("5m") Duration deliveryTimeout,
        @DefaultValue("1MB") DataSize inboundBufferedAmount,
        @DefaultValue("1000") int inboundHeldPerPartition,
        @DefaultValue("8MB") DataSize inboundHeldBytesPerPartition,
        @DefaultValue("30s") Duration inboundWaitForChannel) {

    /**
     * @param dataDir the broker's log directory; empty: {@code sluice-kafka} under the temporary directory
     * @param host the address it binds and advertises
     * @param port the client port (0: any free one)
     */
    public record Embedded(@DefaultValue("") String dataDir, @DefaultValue("127.0.0.1") String host,
            @DefaultValue("9092") int port) {
    }

    /**
     * @param messages where channel messages go (a declaration's {@code topic} overrides it)
     * @param events peer events as CloudEvents JSON
     * @param deadLetter messages that could not be delivered either way
     * @param inboundPrefix this instance's inbound topic is the prefix + the instance id
     * @param partitions partitions of the topics the gateway creates
     * @param replicationFactor of the topics the gateway creates (-1: the broker's default)
     * @param create whether the gateway creates missing topics at start
     */
    public record Topics(@DefaultValue("sluice.messages") String messages, @DefaultValue("sluice.events") String events,
            @DefaultValue("sluice.deadletter") String deadLetter,
            @DefaultValue("sluice.inbound.") String inboundPrefix, @DefaultValue("6") int partitions,
            @DefaultValue("-1") short replicationFactor, @DefaultValue("true") boolean create) {
    }
}
