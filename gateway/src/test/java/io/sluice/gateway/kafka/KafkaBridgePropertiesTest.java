package io.sluice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The Kafka bridge's settings as a gateway binds them: safe defaults, and bounds that contradict each other refused. */
class KafkaBridgePropertiesTest {

    private static KafkaBridgeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("sluice.bridges.kafka",
                KafkaBridgeProperties.class);
    }

    @Test
    void declaredTopicsDefaultToTheOwnersPrefixAndAreNotCreated() {
        KafkaBridgeProperties p = bind(Map.of());
        assertThat(p.topics().allowed()).containsExactly("{owner}.*");
        assertThat(p.topics().createDeclared()).isFalse();
        assertThat(p.topics().maxCreatedPerOwner()).isEqualTo(10);
        assertThat(p.topics().maxCreated()).isEqualTo(100);
        assertThat(p.inboundHeldPerChannel()).isLessThan(p.inboundHeldPerPartition());
        assertThat(p.inboundHeldBytesPerChannel().toBytes()).isLessThan(p.inboundHeldBytesPerPartition().toBytes());
    }

    @Test
    void aChannelsAllowanceMustBeBelowItsPartitions() {
        // Checked before any broker starts or any client is made.
        assertThatThrownBy(() -> new KafkaService(bind(Map.of("sluice.bridges.kafka.inbound-held-per-channel", "1000"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one stuck channel pauses its partition");
        assertThatThrownBy(() -> new KafkaService(bind(Map.of("sluice.bridges.kafka.inbound-held-bytes-per-channel",
                "8MB")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaService(bind(Map.of("sluice.bridges.kafka.topics.allowed", "a b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topics.allowed");
    }
}
