package io.sluice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI document the gateway serves is the one {@code api-spec} publishes. When the API
 * changes on purpose, regenerate the published file with
 * {@code SLUICE_WRITE_OPENAPI=1 ./mvnw -pl gateway -am test -Dtest=OpenApiDriftTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiDriftTest {

    static final String PUBLISHED = "sluice-api/openapi.yaml";

    @LocalServerPort
    int port;

    @Test
    void servedSpecIsThePublishedOne() throws Exception {
        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v3/api-docs.yaml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        String yaml = served.body();
        if ("1".equals(System.getenv("SLUICE_WRITE_OPENAPI"))) {
            Path out = Path.of("../api-spec/src/main/resources/" + PUBLISHED);
            Files.writeString(out, yaml, StandardCharsets.UTF_8);
        }
        String published;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PUBLISHED)) {
            assertThat(in).as("api-spec publishes " + PUBLISHED).isNotNull();
            published = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(yaml).as("served /v3/api-docs.yaml drifted from api-spec's " + PUBLISHED
                + "; regenerate it if the change is intended (see this test's javadoc)").isEqualTo(published);
        assertThat(yaml).contains("operationId: createOffer", "operationId: setRemoteDescription",
                "operationId: addIceCandidate", "operationId: setLocalDescription", "operationId: close");
    }
}
