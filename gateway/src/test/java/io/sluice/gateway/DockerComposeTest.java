package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.kafka.KafkaBridgeProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml parses and agrees with the application (no Docker engine here to run it): the
 * gateway's environment names declared properties, its ports are the ones it listens on, it reaches
 * the Kafka service where that one advertises itself, and the Kafka image is the client's version.
 */
class DockerComposeTest {

    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("../docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
    }

    static Map<String, Object> service(String name) {
        return KubernetesManifestsTest.at(services, name);
    }

    static Map<String, Object> env(String name) {
        return KubernetesManifestsTest.at(service(name), "environment");
    }

    /** Spring Boot's relaxed binding of an environment variable: lower case, _ as ., dashes ignored. */
    static String canonical(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    @Test
    void theGatewaysEnvironmentNamesDeclaredProperties() throws IOException {
        List<String> declared = KubernetesManifestsTest.declaredProperties().stream()
                .map(p -> p.replace("-", "")).toList();
        for (String variable : env("gateway").keySet()) {
            assertThat(declared).as(variable).contains(canonical(variable));
        }
    }

    @Test
    void portsAreTheOnesTheGatewayListensOn() throws IOException {
        String udp = (String) env("gateway").get("SLUICE_UDP_PORT");
        List<String> ports = KubernetesManifestsTest.at(service("gateway"), "ports");
        assertThat(ports).containsExactlyInAnyOrder("127.0.0.1:8080:8080", udp + ":" + udp + "/udp");
        assertThat(KubernetesManifestsTest.applicationProperties().getProperty("server.port")).endsWith(":8080}");
        String dockerfile = Files.readString(Path.of("../Dockerfile"));
        assertThat(dockerfile).contains("EXPOSE 8080/tcp " + udp + "/udp");
    }

    @Test
    void withoutKeysTheGatewayIsOpenInSoManyWordsAndOnlyOnThisHost() {
        Map<String, Object> env = env("gateway");
        assertThat(env.keySet()).noneMatch(v -> v.startsWith("SLUICE_SECURITY_APIKEYS")
                || v.startsWith("SLUICE_SECURITY_OPERATORKEYS"));
        assertThat(env.get("SLUICE_SECURITY_OPEN")).isEqualTo("true");
        List<String> ports = KubernetesManifestsTest.at(service("gateway"), "ports");
        assertThat(ports).filteredOn(p -> p.endsWith(":8080")).allMatch(p -> p.startsWith("127.0.0.1:"));
    }

    /** The key variables the file shows in its comments bind to tenant and operator keys. */
    @Test
    void theKeyVariablesItShowsBindToKeys() throws IOException {
        Map<String, Object> variables = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^#\\s+(SLUICE_SECURITY_\\w+):")
                .matcher(Files.readString(Path.of("../docker-compose.yml")));
        while (m.find()) {
            variables.put(m.group(1), "key-" + m.group(1));
        }
        assertThat(variables).containsKeys("SLUICE_SECURITY_APIKEYS_BACKENDA", "SLUICE_SECURITY_OPERATORKEYS_OPS");
        var security = new org.springframework.boot.context.properties.bind.Binder(
                org.springframework.boot.context.properties.source.ConfigurationPropertySources.from(
                        new org.springframework.core.env.SystemEnvironmentPropertySource(
                                org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                variables)))
                .bind("sluice.security", io.sluice.gateway.security.SecurityProperties.class).get();
        assertThat(security.apiKeys()).containsEntry("backenda", "key-SLUICE_SECURITY_APIKEYS_BACKENDA");
        assertThat(security.operatorKeys()).containsEntry("ops", "key-SLUICE_SECURITY_OPERATORKEYS_OPS");
    }

    @Test
    void theGatewayUsesTheComposeKafkaAndItsTopics() {
        Map<String, Object> kafka = env("kafka");
        String advertised = (String) kafka.get("KAFKA_ADVERTISED_LISTENERS");
        assertThat(advertised).isEqualTo("PLAINTEXT://" + env("gateway").get("SLUICE_BRIDGES_KAFKA_BOOTSTRAPSERVERS"));
        assertThat((String) service("kafka").get("image")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat((String) service("records").get("image")).isEqualTo(service("kafka").get("image"));
        List<String> command = KubernetesManifestsTest.at(service("records"), "command");
        String messages = KafkaBridgeProperties.Topics.class.getDeclaredConstructors()[0].getParameters()[0]
                .getAnnotation(org.springframework.boot.context.properties.bind.DefaultValue.class).value()[0];
        assertThat(messages).isEqualTo("sluice.messages");
        assertThat(command).contains("--topic=" + messages);
    }
}
