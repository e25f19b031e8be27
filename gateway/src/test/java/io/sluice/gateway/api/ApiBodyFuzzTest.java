package io.sluice.gateway.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.gateway.bridge.Bridges;
import io.sluice.gateway.bridge.LoopbackBridge;
import io.sluice.gateway.peers.LimitExceededException;
import io.sluice.peer.api.error.WebRtcException;
import io.sluice.peer.fuzz.WorkPerByte;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Fuzzes what the gateway does with a JSON body before any peer is touched: the REST bodies
 * (create a peer, a description, a candidate, a configuration, a data channel) and the WebSocket
 * request envelope, bound with the gateway's own Jackson configuration and validated by the same
 * methods the controllers call. What may come out is what the API turns into a 4xx: a Jackson
 * error, a W3C error ({@link WebRtcException}) or a {@link LimitExceededException}; anything else
 * would be a 500. The work per body byte stays flat.
 *
 * <p>Plain {@code mvn test} replays {@code ApiBodyFuzzTestInputs/<method>/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl gateway test -Dtest='ApiBodyFuzzTest#restBody'}.
 */
class ApiBodyFuzzTest {

    /** The gateway's ObjectMapper, as Spring Boot builds it. */
    static final ObjectMapper JSON = applicationMapper();
    private static final Bridges BRIDGES = new Bridges(List.of(new LoopbackBridge()));
    /** Request bodies beyond this are not of interest to the blow-up check. */
    private static final int MAX_BODY = 1 << 20;

    private static ObjectMapper applicationMapper() {
        AtomicReference<ObjectMapper> mapper = new AtomicReference<>();
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .run(context -> mapper.set(context.getBean(ObjectMapper.class)));
        return mapper.get();
    }

    /** The first byte picks the body's kind, the rest is the body. */
    @FuzzTest(maxDuration = "5m")
    void restBody(byte[] data) {
        if (data.length == 0) {
            return;
        }
        expectingClientErrors(() -> bind(data[0], Arrays.copyOfRange(data, 1, data.length)));
    }

    /** A WebSocket request: the envelope, then its params bound as each operation would. */
    @FuzzTest(maxDuration = "5m")
    void webSocketRequest(byte[] data) {
        expectingClientErrors(() -> {
            PeerSocketHandler.Request r = PeerSocketHandler.Request.parse(JSON, new String(data,
                    StandardCharsets.UTF_8));
            JsonNode p = r.params();
            Dtos.CreatePeer peer = JSON.treeToValue(p, Dtos.CreatePeer.class);
            if (peer.configuration() != null) {
                peer.configuration().toRtc();
            }
            PeersController.checkLimits(peer.limits());
            BRIDGES.resolve(peer.bridges());
            JsonNode d = p.get("description");
            if (d != null && !d.isNull()) {
                JSON.treeToValue(d, Dtos.Description.class).toRtc();
            }
            JsonNode c = p.get("candidate");
            if (c != null && !c.isNull()) {
                JSON.treeToValue(c, Dtos.Candidate.class).toRtc();
            }
            BRIDGES.resolveForChannel(JSON.treeToValue(p, ChannelsController.CreateChannel.class).bridges());
            if (p.hasNonNull("after")) {
                p.get("after").asLong();
            }
        });
    }

    @FuzzTest(maxDuration = "3m")
    void restBodyWorkPerByte(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte kind = data[0];
        WorkPerByte.check("REST body", Arrays.copyOfRange(data, 1, data.length), MAX_BODY,
                body -> expectingClientErrors(() -> bind(kind, body)));
    }

    private static void bind(byte kind, byte[] body) {
        switch (Math.floorMod(kind, 5)) {
            case 0: {
                Dtos.CreatePeer b = JSON.readValue(body, Dtos.CreatePeer.class);
                if (b != null && b.configuration() != null) {
                    b.configuration().toRtc(id -> null);
                }
                PeersController.checkLimits(b == null ? null : b.limits());
                BRIDGES.resolve(b == null ? null : b.bridges());
                break;
            }
            case 1: {
                Dtos.Description b = JSON.readValue(body, Dtos.Description.class);
                if (b != null) {
                    b.toRtc();
                }
                break;
            }
            case 2: {
                JsonNode n = JSON.readTree(body);
                for (JsonNode c : n.isArray() ? n : List.of(n)) {
                    if (c.isObject()) {
                        JSON.treeToValue(c, Dtos.Candidate.class).toRtc();
                    }
                }
                break;
            }
            case 3: {
                Dtos.Configuration b = JSON.readValue(body, Dtos.Configuration.class);
                if (b != null) {
                    b.toRtc();
                }
                break;
            }
            default: {
                ChannelsController.CreateChannel b = JSON.readValue(body, ChannelsController.CreateChannel.class);
                BRIDGES.resolveForChannel(b == null ? null : b.bridges());
                break;
            }
        }
    }

    static void expectingClientErrors(Runnable r) {
        try {
            r.run();
        } catch (JacksonException | WebRtcException | LimitExceededException expected) {
            // a 4xx
        }
    }
}
