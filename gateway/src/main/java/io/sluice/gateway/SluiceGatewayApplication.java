package io.sluice.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Sluice gateway: server-side WebRTC peer connections for backends. */
@SpringBootApplication
@ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class SluiceGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(SluiceGatewayApplication.class, args);
    }
}
