package io.sluice.gateway.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.peer.interop.Interop;
import io.sluice.peer.interop.NetNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Independent WebRTC stacks as data-channel clients and reference echo servers, from Debian's
 * packages and the project's own small programs under {@code interop/} (see interop/README.md):
 *
 * <ul>
 *   <li>{@link Stack#PION}: {@code interop/pion/src/sluicepion}, Go, built here offline in GOPATH
 *       mode against Debian's Pion 3.1.56 into {@code target/interop/};
 *   <li>{@link Stack#AIORTC}: {@code interop/aiortc/sluice_aiortc.py}, run by Debian's
 *       {@code /usr/bin/python3} with its aiortc 1.4.0.
 * </ul>
 *
 * Both take the same command line ({@code client --url ... --mode mixed|bulk|setup ...},
 * {@code server --listen ...}) and print one JSON line of results, parsed into {@link Result}.
 * Clients run inside a {@link NetNamespace}, gathering on its inner address only; servers run in
 * the root namespace gathering on the namespace's host address only, exactly where the gateway
 * gathers in the tests.
 */
public final class ExternalPeers {

    /** Debian's Python; a pyenv or venv Python earlier on PATH does not see Debian's aiortc. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    public static final Path GO = Path.of("/usr/bin/go");
    /** Where Debian's golang-github-pion-webrtc.v3-dev puts Pion. */
    public static final Path GOCODE = Path.of("/usr/share/gocode");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<Stack, Optional<String>> MISSING = new ConcurrentHashMap<>();
    private static Path pionBinary;

    private ExternalPeers() {
    }

    /** The independent stacks. */
    public enum Stack {
        PION("pion", "golang-go golang-github-pion-webrtc.v3-dev"),
        AIORTC("aiortc", "python3-aiortc");

        private final String id;
        private final String packages;

        Stack(String id, String packages) {
            this.id = id;
            this.packages = packages;
        }

        public String id() {
            return id;
        }

        /** The program and its first arguments, built if needed. */
        List<String> program() throws IOException {
            return switch (this) {
                case PION -> List.of(pion().toString());
                case AIORTC -> List.of(PYTHON.toString(), "-u", repoFile("interop/aiortc/sluice_aiortc.py").toString());
            };
        }
    }

    /**
     * Skips the calling test unless the Chromium harness's prerequisites (root, {@code ip}) and the
     * stack's packages are there; with {@code SLUICE_REQUIRE_INTEROP=1} fails instead.
     */
    public static void assumeAvailable(Stack stack) {
        Interop.assumeAvailable();
        Optional<String> missing = missingPrerequisite(stack);
        if (missing.isEmpty()) {
            return;
        }
        String message = stack.id() + " interop tests need " + missing.get() + " (install: apt-get install -y "
                + stack.packages + ")";
        if (Interop.required()) {
            throw new AssertionError(message + "; failing because " + Interop.REQUIRE_ENV + "=1");
        }
        assumeTrue(false, message + "; skipped (set " + Interop.REQUIRE_ENV + "=1 to fail instead)");
    }

    /** What the stack lacks here (its packages), if anything; builds the Pion program on first use. */
    public static Optional<String> missingPrerequisite(Stack stack) {
        return MISSING.computeIfAbsent(stack, ExternalPeers::missing);
    }

    private static Optional<String> missing(Stack stack) {
        try {
            switch (stack) {
                case PION -> {
                    if (!Files.isExecutable(GO)) {
                        return Optional.of(GO + " (package golang-go)");
                    }
                    if (!Files.isDirectory(GOCODE.resolve("src/github.com/pion/webrtc"))) {
                        return Optional.of("Pion under " + GOCODE + " (package golang-github-pion-webrtc.v3-dev)");
                    }
                    pion(); // a build failure is a failure, not a skip
                }
                case AIORTC -> {
                    if (!Files.isExecutable(PYTHON)) {
                        return Optional.of(PYTHON.toString());
                    }
                    Interop.CommandResult r = Interop.run(Duration.ofSeconds(30),
                            List.of(PYTHON.toString(), "-c", "import aiortc"));
                    if (!r.ok()) {
                        return Optional.of("aiortc for " + PYTHON + " (package python3-aiortc): " + r.output().strip());
                    }
                }
                default -> throw new IllegalArgumentException(stack.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    /** A file of the repository (tests run in the module's directory; the bench in the root). */
    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * Builds the Pion program once per JVM, offline: GOPATH mode, the project's GOPATH first and
     * Debian's {@code /usr/share/gocode} second, no module proxy. Output and Go's build cache stay
     * under {@code target/interop/}.
     */
    static synchronized Path pion() throws IOException {
        if (pionBinary != null) {
            return pionBinary;
        }
        Path gopath = repoFile("interop/pion");
        Path out = Path.of("target", "interop").toAbsolutePath();
        Files.createDirectories(out);
        Path binary = out.resolve("sluicepion");
        ProcessBuilder pb = new ProcessBuilder(GO.toString(), "build", "-o", binary.toString(), "sluicepion")
                .directory(gopath.resolve("src/sluicepion").toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GO111MODULE", "off");
        env.put("GOFLAGS", "");
        env.put("GOPROXY", "off");
        env.put("GOTOOLCHAIN", "local");
        env.put("GOPATH", gopath + ":" + GOCODE);
        env.put("GOCACHE", out.resolve("go-cache").toString());
        Process p = pb.start();
        String output = readAll(p.getInputStream());
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("go build of " + gopath + "/src/sluicepion failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building sluicepion", e);
        }
        pionBinary = binary;
        return binary;
    }

    /**
     * Runs the stack's client inside {@code ns}, gathering on the namespace's inner address, and
     * returns its result line. {@code args} follow {@code client}: {@code --url ...}, {@code --mode ...}.
     */
    public static Result runClient(NetNamespace ns, Stack stack, Duration timeout, String... args) throws IOException {
        List<String> command = new ArrayList<>(stack.program());
        command.add("client");
        command.addAll(List.of("--ice-address", ns.innerAddress().getHostAddress()));
        command.addAll(List.of(args));
        Process p = ns.processBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(stack.id() + " client still running after " + timeout + "; stdout: "
                        + tail(out.getNow("")) + "; stderr: " + tail(err.getNow("")));
            }
            return Result.parse(stack, p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("reading the " + stack.id() + " client's output", e);
        }
    }

    /**
     * Starts the stack's own echo server in the root namespace: HTTP on {@code address}, ICE on
     * {@code address} only. Returns once it listens.
     */
    public static Server startServer(Stack stack, InetAddress address) throws IOException {
        List<String> command = new ArrayList<>(stack.program());
        command.addAll(List.of("server", "--listen", address.getHostAddress() + ":0", "--ice-address",
                address.getHostAddress()));
        Path log = Path.of("target", "interop", stack.id() + "-server.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // The first line says where it listens (aiortc needs a second or two to import); the rest
        // of stdout is drained so that the server never blocks on it.
        java.io.BufferedReader stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String line = first.get(30, TimeUnit.SECONDS);
            JsonNode listening = line == null ? null : JSON.readTree(line).get("listening");
            if (listening == null) {
                throw new IOException(stack.id() + " server did not start: " + line + " (log: " + log + ")");
            }
            Thread drain = new Thread(() -> readAll(p.getInputStream()), stack.id() + "-server-stdout");
            drain.setDaemon(true);
            drain.start();
            return new Server(stack, p, "http://" + listening.asString() + "/v1/whip");
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException(stack.id() + " server did not start (log: " + log + ")", e);
        }
    }

    /** A running reference echo server. */
    public record Server(Stack stack, Process process, String url) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A client's result line: {@code sent} messages, {@code received} echoes, planned messages
     * never echoed ({@code missing}), echoes matching no planned message ({@code corrupted}) or one
     * already echoed ({@code duplicates}), echoes before an earlier planned one
     * ({@code outOfOrder}); echoed payload bytes over {@code seconds} from the first send to the
     * last echo ({@code mbPerSec}, 10^6 bytes); POST to 201 ({@code postMs}) and answer applied to
     * channel open ({@code openMs}), medians in setup mode.
     */
    public record Result(Stack stack, boolean ok, int exitCode, int sent, int received, int missing, int corrupted,
            int duplicates, int outOfOrder, long bytes, double seconds, double mbPerSec, double postMs, double openMs,
            String error, String line, String stderr) {

        static Result parse(Stack stack, int exitCode, String stdout, String stderr) {
            String line = stdout.lines().filter(l -> l.startsWith("{\"client\"")).reduce((a, b) -> b).orElse(null);
            if (line == null) {
                throw new AssertionError(stack.id() + " client printed no result (exit " + exitCode + "); stdout: "
                        + tail(stdout) + "; stderr: " + tail(stderr));
            }
            JsonNode j = JSON.readTree(line);
            return new Result(stack, j.get("ok").asBoolean(), exitCode, j.get("sent").asInt(), j.get("received").asInt(),
                    j.get("missing").asInt(), j.get("corrupted").asInt(), j.get("duplicates").asInt(),
                    j.get("outOfOrder").asInt(), j.get("bytes").asLong(), j.get("seconds").asDouble(),
                    j.get("mbPerSec").asDouble(), j.get("postMs").asDouble(), j.get("openMs").asDouble(),
                    j.get("error").asString(), line, tail(stderr));
        }

        /** For assertion messages: the result line and the end of the client's log. */
        public String describe() {
            return line + (stderr.isBlank() ? "" : "\nclient stderr (tail):\n" + stderr);
        }
    }

    static String readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
}
