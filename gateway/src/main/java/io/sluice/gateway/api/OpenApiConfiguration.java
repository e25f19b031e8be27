package io.sluice.gateway.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The served OpenAPI document's header and its security schemes (an API key as a bearer token or
 * in {@code X-API-Key}; see {@code io.sluice.gateway.security}); its paths come from the controllers.
 */
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
                .servers(List.of(new Server().url("/")))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").description("An API key (sluice.security.api-keys or "
                                        + "operator-keys) as a bearer token. Without one: 401; a tenant key on an "
                                        + "operator endpoint: 403; beyond the request rate: 429. Not needed when "
                                        + "the gateway runs open or loopback-only."))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                                .description("The same API key in a header of its own.")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
