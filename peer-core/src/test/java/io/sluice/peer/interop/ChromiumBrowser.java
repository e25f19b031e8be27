package io.sluice.peer.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Headless Chromium driven through ChromeDriver, with a page-side helper library
 * ({@code window.sluice}, from {@code sluice.js}) for RTCPeerConnections kept by name.
 *
 * <p>Two placements:
 * <ul>
 *   <li>{@link #inNamespace(NetNamespace)}: ChromeDriver and the browser run inside the namespace
 *       ({@code ip netns exec}); ChromeDriver listens on the namespace's inner address and admits
 *       only the root end. Chromium's default mDNS host candidates ({@code <uuid>.local}) work
 *       there and their multicast stays on the veth link; {@link Builder#mdns(boolean)
 *       mdns(false)} makes it offer {@code 10.77.N.1} instead.</li>
 *   <li>{@link #onLoopback()}: ChromeDriver on 127.0.0.1 in the root namespace, mDNS always off
 *       (its multicast would leave on real interfaces). The page comes from a harness server on
 *       {@code http://127.0.0.1} (a secure context) and takes a fake capture permission, without
 *       which Chromium offers no loopback candidates; the page library drops every non-loopback
 *       candidate before Java or another peer sees it. Chromium still binds its real interfaces
 *       and sends checks from them to 127.0.0.1, so <em>the peer must not answer a check whose
 *       source is not loopback</em> (that answer would go to this machine's external address).
 *       For that reason {@code connect()} between two in-page peers is refused in this mode;
 *       use a namespace. {@link #offLoopbackAnswers(String)} detects a peer that answered.</li>
 * </ul>
 *
 * <p>ChromeDriver is started from {@link Interop#CHROMEDRIVER} by this class and reached as a
 * remote WebDriver, so Selenium never looks for or downloads a driver.
 *
 * <p>Calling convention: {@link #eval(String, Object...)} runs an async JS function body with
 * {@code arguments[i]} bound to the Java arguments, awaits its result, and returns strings as
 * they are and anything else as JSON. Event logs are polled with {@link #events(String)}.
 */
public final class ChromiumBrowser implements AutoCloseable {

    /**
     * First port of ChromeDriver inside a namespace (the namespace's port space is ours alone;
     * each browser of this JVM takes the next one, so several browsers may share a namespace).
     */
    public static final int NAMESPACE_DRIVER_PORT = 9515;
    public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DRIVER_START_TIMEOUT = Duration.ofSeconds(20);
    private static final Json JSON = new Json();
    private static final String LIBRARY = loadLibrary();
    private static final String EVAL_WRAPPER = """
            const done = arguments[arguments.length - 1];
            const args = Array.prototype.slice.call(arguments, 0, arguments.length - 1);
            Promise.resolve().then(() => (async function () {
            %s
            }).apply(window, args)).then(
              v => done({ok: true, value: v === undefined ? null : (typeof v === 'string' ? v : JSON.stringify(v))}),
              e => done({ok: false, error: String(e && (e.stack || e.message) || e)}));
            """;

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_NAMESPACE_PORT =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final Set<ChromiumBrowser> OPEN = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private final NetNamespace namespace;
    private final boolean mdns;
    private final Path profile;
    private final Process driverProcess;
    private final URI driverUri;
    private RemoteWebDriver driver;
    private LoopbackPage pageServer;
    private final Duration startup;
    private Duration scriptTimeout;
    private boolean closed;

    private ChromiumBrowser(Builder b) throws IOException {
        long started = System.nanoTime();
        this.namespace = b.namespace;
        this.mdns = b.mdns;
        this.scriptTimeout = b.scriptTimeout;
        this.profile = Files.createTempDirectory("sluice-chromium-");
        installShutdownHook();

        int port;
        List<String> command = new ArrayList<>();
        command.add(Interop.CHROMEDRIVER.toString());
        String host;
        if (namespace != null) {
            port = NAMESPACE_DRIVER_PORT + NEXT_NAMESPACE_PORT.getAndIncrement() % 400;
            host = namespace.innerAddress().getHostAddress();
            command.add("--port=" + port);
            command.add("--allowed-ips=" + namespace.hostAddress().getHostAddress());
        } else {
            port = freeLoopbackPort();
            host = "127.0.0.1";
            command.add("--port=" + port);
        }
        command.add("--allowed-origins=*");
        command.add("--log-path=" + profile.resolve("chromedriver.log"));
        command.add("--log-level=" + b.driverLogLevel);
        ProcessBuilder pb = namespace != null ? namespace.processBuilder(command) : new ProcessBuilder(command);
        Path home = Files.createDirectories(profile.resolve("home"));
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", Files.createDirectories(home.resolve(".config")).toString());
        env.put("XDG_CACHE_HOME", Files.createDirectories(home.resolve(".cache")).toString());
        env.put("XDG_DATA_HOME", Files.createDirectories(home.resolve(".local/share")).toString());
        env.put("TMPDIR", Files.createDirectories(profile.resolve("tmp")).toString());
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        pb.redirectErrorStream(true).redirectOutput(profile.resolve("chromedriver.out").toFile());
        this.driverProcess = pb.start();
        this.driverUri = URI.create("http://" + host + ":" + port);
        synchronized (OPEN) {
            OPEN.add(this);
        }
        RemoteWebDriver session = null;
        try {
            String startUrl = b.startUrl;
            if (namespace == null) {
                pageServer = LoopbackPage.start();
                if (startUrl == null) {
                    startUrl = pageServer.url();
                }
            } else if (startUrl == null) {
                startUrl = "about:blank";
            }
            awaitDriverReady();
            session = new RemoteWebDriver(new URL(driverUri.toString()), chromeOptions(b));
            this.driver = session;
            session.manage().timeouts().scriptTimeout(scriptTimeout);
            open(startUrl);
        } catch (IOException | RuntimeException | Error e) {
            quitQuietly(session);
            if (pageServer != null) {
                pageServer.close();
            }
            killDriverProcesses();
            deleteProfile();
            synchronized (OPEN) {
                OPEN.remove(this);
            }
            throw e;
        }
        this.startup = Duration.ofNanos(System.nanoTime() - started);
    }

    /** A browser inside {@code namespace}; see the class comment. */
    public static Builder inNamespace(NetNamespace namespace) {
        return new Builder(Objects.requireNonNull(namespace, "namespace"));
    }

    /**
     * A browser in the root namespace offering loopback candidates only, mDNS off; for a Java
     * peer on 127.0.0.1 that ignores non-loopback sources. See the class comment; prefer
     * {@link #inNamespace(NetNamespace)}.
     */
    public static Builder onLoopback() {
        return new Builder(null);
    }

    /** Options of a browser to start. */
    public static final class Builder {
        private final NetNamespace namespace;
        private boolean mdns = true;
        private boolean allowLoopback;
        private String startUrl;
        private Duration scriptTimeout = DEFAULT_SCRIPT_TIMEOUT;
        private String driverLogLevel = "INFO";
        private boolean localNetworkAccessChecks;
        private final List<String> extraArgs = new ArrayList<>();
        private final Set<String> disabledFeatures = new LinkedHashSet<>();
        private final Set<String> enabledFeatures = new LinkedHashSet<>();

        private Builder(NetNamespace namespace) {
            this.namespace = namespace;
            if (namespace == null) {
                mdns = false;
                allowLoopback = true;
            }
        }

        /**
         * Whether host candidates are hidden behind mDNS names (Chromium's default, on). Only
         * inside a namespace; on loopback it must stay off.
         */
        public Builder mdns(boolean enabled) {
            if (enabled && namespace == null) {
                throw new IllegalStateException("mDNS outside a namespace would multicast on real interfaces");
            }
            this.mdns = enabled;
            return this;
        }

        /** Adds {@code --allow-loopback-in-peer-connection} (always on for {@link #onLoopback()}). */
        public Builder allowLoopback(boolean allow) {
            if (!allow && namespace == null) {
                throw new IllegalStateException("a loopback browser needs loopback candidates");
            }
            this.allowLoopback = allow;
            return this;
        }

        /**
         * Page to open first; the helper library is injected into it. Default: {@code about:blank}
         * in a namespace, the harness's blank page on {@code http://127.0.0.1} on loopback.
         */
        public Builder startUrl(String url) {
            this.startUrl = Objects.requireNonNull(url);
            return this;
        }

        /** Default limit of {@link ChromiumBrowser#eval} (20 s unless set). */
        public Builder scriptTimeout(Duration timeout) {
            this.scriptTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Chromium's Local Network Access checks (off by default here). With them on, a page whose
         * origin is not itself local (about:blank, data:) cannot fetch from the host address.
         */
        public Builder localNetworkAccessChecks(boolean enabled) {
            this.localNetworkAccessChecks = enabled;
            return this;
        }

        /** Extra Chromium switch. Use {@link #disableFeature}/{@link #enableFeature} for features. */
        public Builder arg(String chromiumSwitch) {
            if (chromiumSwitch.startsWith("--disable-features") || chromiumSwitch.startsWith("--enable-features")) {
                throw new IllegalArgumentException("use disableFeature/enableFeature: Chromium keeps only the last "
                        + "--disable-features/--enable-features switch");
            }
            extraArgs.add(chromiumSwitch);
            return this;
        }

        public Builder disableFeature(String feature) {
            disabledFeatures.add(feature);
            return this;
        }

        public Builder enableFeature(String feature) {
            enabledFeatures.add(feature);
            return this;
        }

        /** ChromeDriver's log level (ALL, DEBUG, INFO, WARNING, SEVERE, OFF); see {@link ChromiumBrowser#driverLog()}. */
        public Builder driverLogLevel(String level) {
            this.driverLogLevel = Objects.requireNonNull(level);
            return this;
        }

        /** Starts ChromeDriver and the browser and opens the start page. */
        public ChromiumBrowser start() throws IOException {
            return new ChromiumBrowser(this);
        }
    }

    private ChromeOptions chromeOptions(Builder b) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Interop.chromiumBinary().toString());
        List<String> args = new ArrayList<>(List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-default-apps",
                "--metrics-recording-only",
                "--user-data-dir=" + profile.resolve("user-data")));
        if (b.allowLoopback) {
            args.add("--allow-loopback-in-peer-connection");
        }
        if (namespace == null) {
            // Without a (fake) capture permission Chromium offers only the default-route address,
            // never loopback; the page's getUserMedia call below grants it.
            args.add("--use-fake-ui-for-media-stream");
            args.add("--use-fake-device-for-media-stream");
        }
        Set<String> disabled = new LinkedHashSet<>(b.disabledFeatures);
        if (!b.localNetworkAccessChecks) {
            // Pages on about:blank (or data:) may then fetch/connect to our side at the host address.
            disabled.add("LocalNetworkAccessChecks");
        }
        if (!mdns) {
            disabled.add("WebRtcHideLocalIpsWithMdns");
        }
        if (!disabled.isEmpty()) {
            args.add("--disable-features=" + String.join(",", disabled));
        }
        if (!b.enabledFeatures.isEmpty()) {
            args.add("--enable-features=" + String.join(",", b.enabledFeatures));
        }
        args.addAll(b.extraArgs);
        options.addArguments(args);
        return options;
    }

    /** The namespace the browser runs in, if any. */
    public Optional<NetNamespace> namespace() {
        return Optional.ofNullable(namespace);
    }

    /** Whether host candidates are mDNS names. */
    public boolean mdns() {
        return mdns;
    }

    /** The WebDriver, for anything the helpers do not cover. */
    public RemoteWebDriver driver() {
        return driver;
    }

    /** Where ChromeDriver listens. */
    public URI driverUri() {
        return driverUri;
    }

    /** Time from {@link Builder#start()} until the start page had the helper library. */
    public Duration startupTime() {
        return startup;
    }

    /** Navigates to {@code url} and injects the helper library ({@code window.sluice}). */
    public void open(String url) {
        driver.get(url);
        injectLibrary();
    }

    /** Injects {@code window.sluice} into the current page (no-op if present). */
    public void injectLibrary() {
        driver.executeScript(LIBRARY);
        if (namespace == null) {
            eval("return sluice.loopbackOnly();");
        }
    }

    /**
     * Runs {@code asyncJs} as the body of an async function whose {@code arguments} are {@code args},
     * and waits (up to the script timeout) for its result.
     *
     * @return a string result as is, {@code null} for undefined/null, anything else as JSON
     * @throws ScriptFailure when the function throws or its promise rejects
     */
    public String eval(String asyncJs, Object... args) {
        return eval(scriptTimeout, asyncJs, args);
    }

    /** {@link #eval(String, Object...)} with its own time limit. */
    public String eval(Duration timeout, String asyncJs, Object... args) {
        driver.manage().timeouts().scriptTimeout(timeout);
        try {
            Object result = ((JavascriptExecutor) driver).executeAsyncScript(EVAL_WRAPPER.formatted(asyncJs), args);
            if (!(result instanceof Map<?, ?> outcome)) {
                throw new ScriptFailure("unexpected result " + result + " of: " + asyncJs);
            }
            if (Boolean.TRUE.equals(outcome.get("ok"))) {
                return (String) outcome.get("value");
            }
            throw new ScriptFailure(outcome.get("error") + "\n  in: " + asyncJs.strip());
        } finally {
            driver.manage().timeouts().scriptTimeout(scriptTimeout);
        }
    }

    /** {@link #eval(String, Object...)} whose JSON result is parsed into maps, lists, numbers… */
    public Object evalJson(String asyncJs, Object... args) {
        String json = eval(asyncJs, args);
        return json == null ? null : JSON.toType(json, Object.class);
    }

    /** Runs a synchronous script ({@code return ...}) with Selenium's value conversion. */
    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** JS failure surfaced in Java, with the page's stack. */
    public static final class ScriptFailure extends RuntimeException {
        public ScriptFailure(String message) {
            super(message);
        }
    }

    // ---- RTCPeerConnection helpers (each a thin call into window.sluice) ----

    /** Creates a peer connection named {@code name}; {@code configJson} is an RTCConfiguration or null. */
    public void createPeer(String name, String configJson) {
        eval("return sluice.create(arguments[0], arguments[1] === null ? {} : JSON.parse(arguments[1]));",
                name, configJson);
    }

    /** Creates a peer connection with the default configuration (no ICE servers). */
    public void createPeer(String name) {
        createPeer(name, null);
    }

    /** Returns the offer as JSON {@code {"type":"offer","sdp":...}}. */
    public String createOffer(String name) {
        return eval("return sluice.createOffer(arguments[0]);", name);
    }

    public String createAnswer(String name) {
        return eval("return sluice.createAnswer(arguments[0]);", name);
    }

    /** Sets {@code descriptionJson} (or, when null, an implicit offer/answer); returns the local description JSON. */
    public String setLocalDescription(String name, String descriptionJson) {
        return eval("return sluice.setLocalDescription(arguments[0], arguments[1] && JSON.parse(arguments[1]));",
                name, descriptionJson);
    }

    public String setRemoteDescription(String name, String descriptionJson) {
        return eval("return sluice.setRemoteDescription(arguments[0], JSON.parse(arguments[1]));",
                name, descriptionJson);
    }

    /** {@code candidateJson}: RTCIceCandidateInit JSON, or null for end-of-candidates. */
    public void addIceCandidate(String name, String candidateJson) {
        eval("return sluice.addIceCandidate(arguments[0], arguments[1] === null ? null : JSON.parse(arguments[1]));",
                name, candidateJson);
    }

    /** Waits until gathering is complete and returns the full local description JSON. */
    public String gathered(String name) {
        return eval("return sluice.gathered(arguments[0]);", name);
    }

    /** Creates a data channel; {@code initJson} is an RTCDataChannelInit or null. */
    public void createDataChannel(String name, String label, String initJson) {
        eval("return sluice.createDataChannel(arguments[0], arguments[1], arguments[2] && JSON.parse(arguments[2]));",
                name, label, initJson);
    }

    public void send(String name, String label, String text) {
        eval("return sluice.send(arguments[0], arguments[1], arguments[2]);", name, label, text);
    }

    public void sendBinary(String name, String label, byte[] data) {
        eval("return sluice.send(arguments[0], arguments[1], {base64: arguments[2]});", name, label,
                java.util.Base64.getEncoder().encodeToString(data));
    }

    /** Connects two peers of this page (offer/answer, trickled candidates). */
    public void connect(String offerer, String answerer) {
        eval("return sluice.connect(arguments[0], arguments[1]);", offerer, answerer);
    }

    /** All stats objects as a JSON array. */
    public String getStats(String name) {
        return eval("return sluice.getStats(arguments[0]);", name);
    }

    /**
     * Selected-path stats as JSON: {@code {transport: {dtlsState, iceState, selectedCandidatePairId…},
     * pair: {state, nominated, bytesSent…}, local: {address, port, candidateType…}, remote: {…}}}.
     */
    public String stats(String name) {
        return eval("return sluice.stats(arguments[0]);", name);
    }

    /** {@link #stats(String)} parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> statsMap(String name) {
        return (Map<String, Object>) evalJson("return sluice.stats(arguments[0]);", name);
    }

    /** {@code signalingState, iceGatheringState, iceConnectionState, connectionState}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> state(String name) {
        return (Map<String, Object>) script("return sluice.state(arguments[0]);", name);
    }

    /**
     * Every event of peer {@code name} so far, oldest first. Each is a map with {@code seq}
     * (page-wide order), {@code t} (ms since page load), {@code type} and type-specific fields; see
     * the interop README.
     */
    public List<Map<String, Object>> events(String name) {
        return events(name, 0);
    }

    /** Events from index {@code from} on (for incremental polling). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> events(String name, int from) {
        return (List<Map<String, Object>>) script("return sluice.events(arguments[0], arguments[1]);", name, from);
    }

    /** Events of one type. */
    public List<Map<String, Object>> events(String name, String type) {
        return events(name).stream().filter(e -> type.equals(e.get("type"))).toList();
    }

    /** Waits for the first event of {@code type} matching {@code match}, and returns it. */
    public Map<String, Object> waitForEvent(String name, String type, Predicate<Map<String, Object>> match,
                                            Duration timeout) {
        return Interop.waitFor(() -> events(name).stream()
                        .filter(e -> type.equals(e.get("type")) && match.test(e)).findFirst(),
                timeout, type + " on " + name);
    }

    /** Waits for a state-change event of {@code type} reaching {@code state}, e.g. connectionstatechange/connected. */
    public void waitForState(String name, String type, String state, Duration timeout) {
        waitForEvent(name, type, e -> state.equals(e.get("state")), timeout);
    }

    /**
     * Candidate pairs of {@code name} whose local candidate is not loopback and that got answers:
     * evidence that a peer replied to a non-loopback address. Loopback-mode tests should assert
     * this is empty ({@code []}); in a namespace it is meaningless.
     */
    public String offLoopbackAnswers(String name) {
        return eval("return sluice.offLoopbackAnswers(arguments[0]);", name);
    }

    /** The tail of ChromeDriver's log (for failure messages). */
    public String driverLog() {
        try {
            Path log = profile.resolve("chromedriver.log");
            if (!Files.exists(log)) {
                return "";
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 8000 ? text.substring(text.length() - 8000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Quits the session, stops ChromeDriver and the browser, deletes the profile. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            quitQuietly(driver);
        } finally {
            killDriverProcesses();
            if (pageServer != null) {
                pageServer.close();
            }
            deleteProfile();
            synchronized (OPEN) {
                OPEN.remove(this);
            }
        }
    }

    private static void quitQuietly(RemoteWebDriver session) {
        if (session == null) {
            return;
        }
        try {
            session.quit();
        } catch (RuntimeException ignored) {
            // the processes are killed afterwards either way
        }
    }

    private void killDriverProcesses() {
        List<ProcessHandle> all = new ArrayList<>();
        driverProcess.descendants().forEach(all::add);
        all.add(driverProcess.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private void deleteProfile() {
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void awaitDriverReady() throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
                .proxy(java.net.ProxySelector.of(null)).build();
        HttpRequest status = HttpRequest.newBuilder(driverUri.resolve("/status")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + DRIVER_START_TIMEOUT.toNanos();
        while (true) {
            if (!driverProcess.isAlive()) {
                throw new IOException("chromedriver exited " + driverProcess.exitValue() + ": " + driverOutput());
            }
            try {
                HttpResponse<String> r = client.send(status, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"ready\":true")) {
                    return;
                }
            } catch (IOException retry) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for chromedriver", e);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("chromedriver not ready at " + driverUri + " after " + DRIVER_START_TIMEOUT
                        + ": " + driverOutput());
            }
            try {
                Thread.sleep(Interop.POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for chromedriver", e);
            }
        }
    }

    private String driverOutput() {
        try {
            return Files.readString(profile.resolve("chromedriver.out")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String loadLibrary() {
        try (InputStream in = ChromiumBrowser.class.getResourceAsStream("sluice.js")) {
            if (in == null) {
                throw new IllegalStateException("sluice.js missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void installShutdownHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<ChromiumBrowser> left;
            synchronized (OPEN) {
                left = new ArrayList<>(OPEN);
            }
            // No WebDriver calls here: the JVM is going down; just stop the processes.
            left.forEach(ChromiumBrowser::killDriverProcesses);
        }, "sluice-chromium-cleanup"));
    }
}
