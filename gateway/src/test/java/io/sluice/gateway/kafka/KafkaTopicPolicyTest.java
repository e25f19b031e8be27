package io.sluice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.api.error.InvalidAccessError;
import io.sluice.peer.api.error.SyntaxError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which topics a declaration may name: Kafka's name rules, the gateway's own topics, the operator's globs. */
class KafkaTopicPolicyTest {

    private static TopicPolicy policy(String... allowed) {
        return new TopicPolicy(new KafkaBridgeProperties.Topics("sluice.messages", "sluice.events",
                "sluice.deadletter", "sluice.inbound.", 6, (short) -1, true, List.of(allowed), false, 10, 100));
    }

    @Test
    void kafkasNameRules() {
        TopicPolicy p = policy("*");
        for (String bad : List.of("", ".", "..", "a b", "a/b", "ä", "a\u0000", "x".repeat(250), "tab\t")) {
            assertThatThrownBy(() -> p.check(bad, "acme")).as(bad).isInstanceOf(SyntaxError.class)
                    .hasMessageContaining("not a Kafka topic name");
        }
        p.check("x".repeat(249), "acme");
        p.check("A-z_0.9", "acme");
        p.check("...", "acme");
    }

    @Test
    void neverTheGatewaysOwnTopicsNorKafkasInternalOnes() {
        TopicPolicy p = policy("*");
        assertThatThrownBy(() -> p.check("sluice.events", null)).isInstanceOf(InvalidAccessError.class)
                .hasMessageContaining("the gateway's own events topic");
        assertThatThrownBy(() -> p.check("sluice.deadletter", null)).isInstanceOf(InvalidAccessError.class)
                .hasMessageContaining("dead-letter");
        for (String inbound : List.of("sluice.inbound.test-a", "sluice.inbound.", "sluice.inbound.other-pod")) {
            assertThatThrownBy(() -> p.check(inbound, null)).isInstanceOf(InvalidAccessError.class)
                    .hasMessageContaining("inbound topic");
        }
        assertThatThrownBy(() -> p.check("__consumer_offsets", null)).isInstanceOf(InvalidAccessError.class)
                .hasMessageContaining("internal");
        // The messages topic is where a declaration without a topic writes anyway.
        policy().check("sluice.messages", null);
    }

    @Test
    void theOwnersPrefixAndTheAllowList() {
        TopicPolicy p = policy("{owner}.*", "shared.?-log");
        p.check("acme.orders", "acme");
        p.check("shared.a-log", "acme");
        p.check("shared.b-log", null);
        assertThatThrownBy(() -> p.check("globex.orders", "acme")).isInstanceOf(InvalidAccessError.class)
                .hasMessageContaining("not allowed for owner acme").hasMessageContaining("{owner}.*");
        assertThatThrownBy(() -> p.check("acme", "acme")).isInstanceOf(InvalidAccessError.class);
        assertThatThrownBy(() -> p.check("shared.ab-log", "acme")).isInstanceOf(InvalidAccessError.class);
        // Without an owner, {owner} patterns match nothing.
        assertThatThrownBy(() -> p.check("null.orders", null)).isInstanceOf(InvalidAccessError.class)
                .hasMessageContaining("without an owner");
        // The owner is taken literally: an owner named like a glob matches only its own name.
        TopicPolicy q = policy("{owner}-x");
        assertThatThrownBy(() -> q.check("a-x", "?")).isInstanceOf(InvalidAccessError.class);
        q.check("a.b-x", "a.b");
        assertThatThrownBy(() -> q.check("aXb-x", "a.b")).isInstanceOf(InvalidAccessError.class);
    }

    @Test
    void globsMatchLikeGlobs() {
        assertThat(TopicPolicy.matches("*", null, "")).isTrue();
        assertThat(TopicPolicy.matches("a*b*c", null, "abc")).isTrue();
        assertThat(TopicPolicy.matches("a*b*c", null, "aXbYbZc")).isTrue();
        assertThat(TopicPolicy.matches("a*b*c", null, "aXbYbZ")).isFalse();
        assertThat(TopicPolicy.matches("a?c", null, "abc")).isTrue();
        assertThat(TopicPolicy.matches("a?c", null, "ac")).isFalse();
        assertThat(TopicPolicy.matches("*.*", null, "a.b.c")).isTrue();
        assertThat(TopicPolicy.matches("x.{owner}.*", "t1", "x.t1.y")).isTrue();
        assertThat(TopicPolicy.matches("x.{owner}.*", "t1", "x.t2.y")).isFalse();
        // The classic backtracking killer for regexes is a plain miss here.
        assertThat(TopicPolicy.matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", null, "a".repeat(249))).isFalse();
    }

    @Test
    void badPatternsStopTheGatewayAtStart() {
        assertThatThrownBy(() -> policy("a b*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sluice.bridges.kafka.topics.allowed");
        assertThatThrownBy(() -> policy("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy("(a+)+")).isInstanceOf(IllegalArgumentException.class);
    }
}
