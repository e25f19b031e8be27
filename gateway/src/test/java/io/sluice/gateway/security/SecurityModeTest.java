package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.gateway.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway does not run without keys where other hosts can reach it unless
 * {@code sluice.security.open=true} says so, and says in its log and health details which mode it
 * runs in. Instances listen on the wildcard address here (tests otherwise listen on loopback), and
 * are called on loopback only.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class SecurityModeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--sluice.ice.loopback=true",
                "--sluice.ice.addresses=127.0.0.1", "--sluice.timeouts.drain=1s", "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        return SpringApplication.run(SluiceGatewayApplication.class, all.toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    /** Starting must fail; an instance that started anyway is stopped before the assertion fails. */
    static void refusesToStart(String expected, String... args) {
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext app = start(args)) {
                app.getId();
            }
        }).as(String.join(" ", args)).hasStackTraceContaining(expected);
    }

    static JsonNode health(int port, String... headers) throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/actuator/health", null, headers);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void withoutKeysItRefusesToListenWhereOtherHostsReachIt(CapturedOutput output) {
        refusesToStart("sluice.security.open=true", "--server.address=0.0.0.0");
        refusesToStart("sluice.security.open=true", "--server.address=::");
        assertThat(output).contains("APPLICATION FAILED TO START", "No API keys are configured",
                "listens on 0.0.0.0", "sluice.security.api-keys.<owner>=<key>");
    }

    @Test
    void keysThatWouldBeAmbiguousRefuseToStart() {
        refusesToStart("open=true and API keys are both configured", "--server.address=0.0.0.0",
                "--sluice.security.open=true", "--sluice.security.api-keys.alice=key-of-alice");
        refusesToStart("sluice.security.api-keys.alice is empty", "--sluice.security.api-keys.alice= ");
        refusesToStart("has the same key as", "--sluice.security.api-keys.alice=same-key",
                "--sluice.security.api-keys.bob=same-key");
        refusesToStart("'ops' is both a tenant and an operator", "--sluice.security.api-keys.ops=key-1",
                "--sluice.security.operator-keys.ops=key-2");
    }

    @Test
    void openOnPurposeSaysSo(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("--server.address=0.0.0.0", "--sluice.security.open=true")) {
            JsonNode health = health(port(app));
            assertThat(health.at("/components/security/details/mode").asString()).isEqualTo("open");
            assertThat(RawHttp.send(port(app), "GET", "/v1/peers", null).status()).isEqualTo(200);
        }
        assertThat(output).contains("API security: open (sluice.security.open=true)");
    }

    @Test
    void withKeysHealthDetailsAreForOperatorsOnly(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("--server.address=0.0.0.0",
                "--sluice.security.api-keys.alice=key-of-alice", "--sluice.security.operator-keys.ops=key-of-ops")) {
            int port = port(app);
            assertThat(health(port).has("components")).isFalse();
            assertThat(health(port, "X-API-Key", "key-of-alice").has("components")).isFalse();
            JsonNode details = health(port, "Authorization", "Bearer key-of-ops");
            assertThat(details.at("/components/security/details/mode").asString()).isEqualTo("keys");
            assertThat(details.at("/components/security/details/tenantKeys").asInt()).isEqualTo(1);
            assertThat(details.at("/components/security/details/operatorKeys").asInt()).isEqualTo(1);
            for (String probe : List.of("liveness", "readiness")) {
                assertThat(RawHttp.send(port, "GET", "/actuator/health/" + probe, null).status()).as(probe)
                        .isEqualTo(200);
            }
            assertThat(RawHttp.send(port, "GET", "/v1/peers", null).status()).isEqualTo(401);
        }
        assertThat(output).contains("API security: keys (1 tenant, 1 operator)");
    }

    /** The Secret of k8s/, mounted as files the way Kubernetes mounts it, is where the keys come from. */
    @Test
    void keysFromTheKubernetesSecretMountedAsAConfigTree(@TempDir Path keys) throws Exception {
        Map<String, Map<String, Object>> secret = new Yaml().load(Files.readString(Path.of("../k8s/secret.yaml")));
        List<String> names = List.copyOf(secret.get("stringData").keySet());
        // as shipped (no values) it does not start
        for (String name : names) {
            Files.writeString(keys.resolve(name), "");
        }
        refusesToStart("is empty", "--server.address=0.0.0.0", "--spring.config.import=configtree:" + keys + "/");
        // filled in (a file written by hand ends with a newline)
        for (String name : names) {
            Files.writeString(keys.resolve(name), "key-for-" + name + "\n");
        }
        String tenant = names.stream().filter(n -> n.startsWith("sluice.security.api-keys.")).findFirst().orElseThrow();
        String operator = names.stream().filter(n -> n.startsWith("sluice.security.operator-keys.")).findFirst()
                .orElseThrow();
        try (ConfigurableApplicationContext app = start("--server.address=0.0.0.0",
                "--spring.config.import=configtree:" + keys + "/")) {
            int port = port(app);
            assertThat(health(port, "X-API-Key", "key-for-" + operator).at("/components/security/details/mode")
                    .asString()).isEqualTo("keys");
            assertThat(RawHttp.send(port, "GET", "/v1/peers", null, "X-API-Key", "key-for-" + tenant).status())
                    .isEqualTo(200);
            assertThat(RawHttp.send(port, "GET", "/v1/peers", null).status()).isEqualTo(401);
        }
    }

    @Test
    void withoutKeysOnLoopbackItRunsLoopbackOnly(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("--server.address=127.0.0.1")) {
            assertThat(health(port(app)).at("/components/security/details/mode").asString())
                    .isEqualTo("loopback-only");
        }
        assertThat(output).contains("API security: loopback-only");
    }
}
