package io.sluice.gateway.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code sluice.quotas.*}: what one owner (one API key) may hold at once, so that one key cannot
 * take every slot of the gateway. Beyond a quota the call answers 429 with the quota's property
 * name ({@code quota}) in the problem. Without keys there are no owners and only the gateway-wide
 * {@code sluice.limits.*} apply.
 *
 * @param peers peers one owner holds at once (the gateway holds {@code sluice.limits.max-peers})
 * @param certificates certificates one owner holds at once (they are kept until they expire or
 *     are deleted)
 * @param recordStreams Kafka record streams ({@code /v1/peers/{id}/kafka-records}) one owner has
 *     open at once
 */
@ConfigurationProperties("sluice.quotas")
@Validated
public record QuotaProperties(@DefaultValue("1000") @Min(1) int peers, @DefaultValue("100") @Min(1) int certificates,
        @DefaultValue("2") @Min(1) int recordStreams) {
}
