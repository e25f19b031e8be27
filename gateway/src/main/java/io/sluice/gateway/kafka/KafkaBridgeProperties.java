package io.sluice.gateway.kafka;

import java.time.Duration;
import java.util.List;
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
 * @param inboundHeldPerChannel inbound records one channel may have waiting. Beyond it, while the
 *     channel still makes progress (it took a record within {@code inbound-stalled-after}) the
 *     partition's consumption pauses until it drains (backpressure: a slow reader loses nothing);
 *     once it stalls, further records for it go to the dead-letter topic at once, so a channel whose
 *     remote stopped reading holds its partition back for at most {@code inbound-stalled-after}
 * @param inboundHeldBytesPerChannel the same bound in payload bytes
 * @param inboundWaitForChannel how long a channel may go without taking a record (to exist, open and
 *     drain below {@code inbound-buffered-amount}) before the records it holds go to the dead-letter
 *     topic
 * @param inboundStalledAfter a channel that took no record for this long while it holds some is
 *     stalled: see {@code inbound-held-per-channel}
 * @param connectRetryMax the longest pause between attempts to reach the cluster while the bridge
 *     is not yet in service (attempts start 0.5 s apart and double)
 * @param connectWaitAtStart how long the gateway's start waits for an external cluster to answer
 *     before it serves with the Kafka bridge out of service
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
        @DefaultValue("100") int inboundHeldPerChannel,
        @DefaultValue("1MB") DataSize inboundHeldBytesPerChannel,
        @DefaultValue("30s") Duration inboundWaitForChannel,
        @DefaultValue("10s") Duration inboundStalledAfter,
        @DefaultValue("30s") Duration connectRetryMax,
        @DefaultValue("5s") Duration connectWaitAtStart) {

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
     * @param create whether the gateway creates its own topics (above) when missing
     * @param allowed the topics a bridge declaration may name: glob patterns ({@code *} any run of
     *     characters, {@code ?} one), where {@code {owner}} stands for the declaring API key's owner
     *     (a pattern with it matches nothing for a caller without an owner). The gateway's own topics
     *     (events, dead letters, every inbound topic) and Kafka's internal {@code __*} topics are never
     *     allowed; the messages topic always is.
     * @param createDeclared whether the gateway creates a missing topic a declaration names; off, the
     *     topic must exist (the operator provisions it, with its partitions, retention and ACLs)
     * @param maxCreatedPerOwner with {@code create-declared}: topics one owner's declarations may have
     *     this instance create
     * @param maxCreated with {@code create-declared}: topics this instance creates for declarations in all
     */
    public record Topics(@DefaultValue("sluice.messages") String messages, @DefaultValue("sluice.events") String events,
            @DefaultValue("sluice.deadletter") String deadLetter,
            @DefaultValue("sluice.inbound.") String inboundPrefix, @DefaultValue("6") int partitions,
            @DefaultValue("-1") short replicationFactor, @DefaultValue("true") boolean create,
            @DefaultValue("{owner}.*") List<String> allowed, @DefaultValue("false") boolean createDeclared,
            @DefaultValue("10") int maxCreatedPerOwner, @DefaultValue("100") int maxCreated) {
    }
}
