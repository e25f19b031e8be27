package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The manifests under k8s/ parse and agree with the application: ports, probes, properties, labels. */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("../k8s");
    static Map<String, Object> deployment;
    static Map<String, Object> service;
    static Map<String, Object> configMap;
    static Map<String, Object> pdb;
    static Map<String, Object> secret;

    @BeforeAll
    static void load() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        try (var files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) doc;
                    assertThat(m).as(f.toString()).containsKeys("apiVersion", "kind", "metadata");
                    all.add(m);
                }
            }
        }
        deployment = kind(all, "Deployment");
        service = kind(all, "Service");
        configMap = kind(all, "ConfigMap");
        pdb = kind(all, "PodDisruptionBudget");
        secret = kind(all, "Secret");
    }

    static Map<String, Object> kind(List<Map<String, Object>> all, String kind) {
        return all.stream().filter(m -> kind.equals(m.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in k8s/"));
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, Object... path) {
        Object cur = node;
        for (Object p : path) {
            cur = p instanceof Integer i ? ((List<Object>) cur).get(i) : ((Map<String, Object>) cur).get(p);
            if (cur == null) {
                throw new AssertionError("missing " + List.of(path));
            }
        }
        return (T) cur;
    }

    static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        return p;
    }

    static Properties configMapProperties() throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(at(configMap, "data", "application.properties")));
        return p;
    }

    static Map<String, Object> container() {
        return at(deployment, "spec", "template", "spec", "containers", 0);
    }

    static Map<String, Object> port(String name) {
        List<Map<String, Object>> ports = at(container(), "ports");
        return ports.stream().filter(p -> name.equals(p.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + name));
    }

    @Test
    void httpAndUdpPortsAreTheApplications() throws IOException {
        String serverPort = applicationProperties().getProperty("server.port");
        assertThat(serverPort).endsWith(":8080}");
        assertThat(port("http").get("containerPort")).isEqualTo(8080);
        assertThat(port("http").get("protocol")).isEqualTo("TCP");
        int udp = Integer.parseInt(configMapProperties().getProperty("sluice.udp.port"));
        assertThat(port("webrtc").get("containerPort")).isEqualTo(udp);
        assertThat(port("webrtc").get("hostPort")).isEqualTo(udp);
        assertThat(port("webrtc").get("protocol")).isEqualTo("UDP");
        assertThat(configMapProperties().getProperty("sluice.udp.mode")).isEqualTo("shared");
        List<Map<String, Object>> servicePorts = at(service, "spec", "ports");
        assertThat(servicePorts).extracting(p -> p.get("targetPort")).containsExactlyInAnyOrder("http", "webrtc");
        assertThat(servicePorts).filteredOn(p -> "webrtc".equals(p.get("targetPort")))
                .extracting(p -> p.get("protocol")).containsExactly("UDP");
    }

    @Test
    void probesUseTheActuatorHealthGroups() throws IOException {
        assertThat(applicationProperties().getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        assertThat((String) at(container(), "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(container(), "readinessProbe", "httpGet", "path"))
                .isEqualTo("/actuator/health/readiness");
        assertThat((String) at(container(), "livenessProbe", "httpGet", "port")).isEqualTo("http");
        // Longer than the drain period plus shutdown, so owners get their whole grace period.
        int grace = at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
        java.time.Duration drain = java.time.Duration.parse("PT" + configMapProperties()
                .getProperty("sluice.timeouts.drain").toUpperCase());
        assertThat(grace).isGreaterThan((int) drain.toSeconds() + 5);
    }

    /** The properties the application declares, from the metadata the configuration processor generates. */
    static List<String> declaredProperties() throws IOException {
        Path metadata = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
        assertThat(metadata).as("generated by spring-boot-configuration-processor").exists();
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(metadata));
        List<String> declared = new ArrayList<>();
        for (JsonNode p : json.get("properties")) {
            declared.add(p.get("name").asString());
        }
        return declared;
    }

    @Test
    void everySluicePropertyIsOneTheApplicationDeclares() throws IOException {
        List<String> declared = declaredProperties();
        for (String key : configMapProperties().stringPropertyNames()) {
            if (key.startsWith("sluice.")) {
                assertThat(declared).as("ConfigMap key %s", key).contains(key);
            }
        }
        List<Map<String, Object>> env = at(container(), "env");
        assertThat(env).extracting(e -> e.get("name")).contains("SLUICE_ICE_ADVERTISEDADDRESSES_0");
        assertThat(declared).contains("sluice.ice.advertised-addresses");
    }

    /** The Secret's entries: property name → value. */
    static Map<String, Object> secretEntries() {
        return at(secret, "stringData");
    }

    @Test
    void apiKeysComeFromTheSecretTheDeploymentMounts() throws IOException {
        List<Map<String, Object>> volumes = at(deployment, "spec", "template", "spec", "volumes");
        Map<String, Object> volume = volumes.stream().filter(v -> v.containsKey("secret")).findFirst()
                .orElseThrow(() -> new AssertionError("no Secret volume"));
        assertThat((String) at(volume, "secret", "secretName")).isEqualTo(at(secret, "metadata", "name"));
        List<Map<String, Object>> mounts = at(container(), "volumeMounts");
        String path = mounts.stream().filter(m -> volume.get("name").equals(m.get("name"))).findFirst()
                .map(m -> (String) m.get("mountPath")).orElseThrow(() -> new AssertionError("Secret not mounted"));
        List<Map<String, Object>> env = at(container(), "env");
        assertThat(env).filteredOn(e -> "SPRING_CONFIG_IMPORT".equals(e.get("name"))).extracting(e -> e.get("value"))
                .containsExactly("configtree:" + path + "/");
        // each entry is a key property: a tenant's or an operator's
        List<String> declared = declaredProperties();
        assertThat(declared).contains("sluice.security.api-keys", "sluice.security.operator-keys");
        assertThat(secretEntries().keySet()).isNotEmpty().allMatch(
                k -> k.matches("sluice\\.security\\.(api-keys|operator-keys)\\.[a-z0-9][a-z0-9-]*"));
        assertThat(secretEntries().keySet()).anyMatch(k -> k.startsWith("sluice.security.operator-keys."))
                .anyMatch(k -> k.startsWith("sluice.security.api-keys."));
        // shipped without values: the gateway does not start until they are filled in, and never open
        assertThat(secretEntries().values()).allMatch(""::equals);
        assertThat(configMapProperties().getProperty("sluice.security.open", "false")).isEqualTo("false");
    }

    @Test
    void selectorsMatchThePods() {
        Map<String, Object> labels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> deploymentSelector = at(deployment, "spec", "selector", "matchLabels");
        Map<String, Object> serviceSelector = at(service, "spec", "selector");
        Map<String, Object> pdbSelector = at(pdb, "spec", "selector", "matchLabels");
        assertThat(labels).containsAllEntriesOf(deploymentSelector).containsAllEntriesOf(serviceSelector)
                .containsAllEntriesOf(pdbSelector);
        assertThat((String) at(deployment, "spec", "template", "spec", "volumes", 0, "configMap", "name"))
                .isEqualTo(at(configMap, "metadata", "name"));
    }
}
