# The gateway image (sluice/gateway:0.1.0), run by docker-compose.yml and the k8s/ manifests.
#   docker build -t sluice/gateway:0.1.0 .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl gateway -am package -DskipTests

FROM eclipse-temurin:17-jre
COPY --from=build /src/gateway/target/gateway-0.1.0-SNAPSHOT.jar /app/gateway.jar
EXPOSE 8080/tcp 50000/udp
ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]
