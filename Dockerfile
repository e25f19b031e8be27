# The gateway image the k8s/ manifests run (sluice/gateway:0.1.0). Build after `./mvnw -B package -DskipTests`:
#   docker build -t sluice/gateway:0.1.0 .
FROM eclipse-temurin:17-jre
COPY gateway/target/gateway-0.1.0-SNAPSHOT.jar /app/gateway.jar
EXPOSE 8080/tcp 50000/udp
ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]
