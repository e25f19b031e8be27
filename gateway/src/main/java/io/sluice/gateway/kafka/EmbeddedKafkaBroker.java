package io.sluice.gateway.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in this process: KRaft in combined mode (broker and controller
 * in one node), its log in a directory of the caller's choosing. The directory is formatted on
 * first use and reused afterwards, so records survive a restart of the broker on the same
 * directory. Meant for a gateway started with no Kafka configured and for tests; production runs
 * point {@code sluice.kafka.bootstrap-servers} at a real cluster.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String CONTROLLER = "CONTROLLER";

    private final Path dataDir;
    private final String host;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    /**
     * @param dataDir the log directory (created if missing)
     * @param host    the address the listener binds and advertises
     * @param port    the client port; 0 picks a free one once, kept across {@link #stop()}/{@link #start()}
     */
    public EmbeddedKafkaBroker(Path dataDir, String host, int port) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port == 0 ? freePort(host) : port;
        this.controllerPort = freePort(host);
    }

    /** Formats the directory if it is new and starts the broker; returns once it serves clients. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory " + dataDir, e);
        }
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER + "://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.segment.bytes", Integer.toString(64 << 20));
        p.put("log.retention.hours", "24");
        p.put("auto.create.topics.enable", "false");
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            try {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(dataDir.toString()))
                        .setMetadataLogDirectory(dataDir.toString())
                        .setControllerListenerName(CONTROLLER)
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setUnstableFeatureVersionsEnabled(false)
                        .setIgnoreFormatted(true)
                        .run();
            } catch (Exception e) {
                throw new IllegalStateException("cannot format the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
            }
        }
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            s.awaitShutdown();
            throw new IllegalStateException("the embedded Kafka broker did not start on " + host + ":" + port
                    + " (" + e.getMessage() + "); set sluice.kafka.embedded.port or sluice.kafka.bootstrap-servers", e);
        }
        server = s;
        return this;
    }

    /** Stops the broker and waits for it; the data directory stays. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
