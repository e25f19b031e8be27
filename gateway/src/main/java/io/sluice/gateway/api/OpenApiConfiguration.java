package io.sluice.gateway.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The served OpenAPI document's header; its paths come from the controllers. */
@Configuration
public class OpenApiConfiguration {

    @Bean
    public OpenAPI sluiceOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Sluice API").version("v1")
                        .description("Server-side WebRTC peer connections for backends. Operations carry the names of "
                                + "the W3C RTCPeerConnection methods they run; errors are RFC 9457 problem details "
                                + "whose 'name' is the W3C error name.")
                        .license(new License().name("Apache-2.0")))
                .servers(List.of(new Server().url("/")));
    }
}
