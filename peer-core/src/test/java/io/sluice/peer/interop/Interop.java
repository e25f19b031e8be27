package io.sluice.peer.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Shared rules of the interop harness: when interop tests run at all, how commands are run, and
 * how tests wait.
 *
 * <p>Interop tests need root (network namespaces, veth pairs), {@code ip}, and Debian's Chromium
 * and ChromeDriver at fixed paths. When something is missing they are skipped with a JUnit
 * assumption, unless {@code SLUICE_REQUIRE_INTEROP=1} is set (CI), in which case they fail.
 */
public final class Interop {

    /** Debian's launcher script; its presence says the package is installed. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The browser binary behind the launcher; used directly, see {@link #chromiumBinary()}. */
    public static final Path CHROMIUM_BINARY = Path.of("/usr/lib/chromium/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final String REQUIRE_ENV = "SLUICE_REQUIRE_INTEROP";

    /** Poll interval of {@link #waitFor}: short, so waits end soon after the condition holds. */
    public static final Duration POLL = Duration.ofMillis(20);

    private Interop() {
    }

    /**
     * Skips the calling test (JUnit assumption) unless the browser, the driver, {@code ip} and
     * root are all there; fails instead when {@code SLUICE_REQUIRE_INTEROP=1}. Call it first in
     * {@code @BeforeAll}.
     */
    public static void assumeAvailable() {
        Optional<String> missing = missingPrerequisite();
        if (missing.isEmpty()) {
            return;
        }
        String message = "Chromium interop tests need " + missing.get()
                + " (install: apt-get install -y chromium chromium-driver; run as root)";
        if (required()) {
            throw new AssertionError(message + "; failing because " + REQUIRE_ENV + "=1");
        }
        assumeTrue(false, message + "; skipped (set " + REQUIRE_ENV + "=1 to fail instead)");
    }

    /** Whether the environment demands that interop tests run rather than skip. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** The first missing prerequisite, if any, described for a human. */
    public static Optional<String> missingPrerequisite() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("Linux");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            return Optional.of(CHROMIUM + " (package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return Optional.of(CHROMEDRIVER + " (package chromium-driver)");
        }
        if (!isRoot()) {
            return Optional.of("root (network namespaces and veth pairs)");
        }
        if (findIp().isEmpty()) {
            return Optional.of("the ip command (package iproute2)");
        }
        return Optional.empty();
    }

    /** The binary to start: the real one when present, so Debian's launcher adds no flags or keys. */
    public static Path chromiumBinary() {
        return Files.isExecutable(CHROMIUM_BINARY) ? CHROMIUM_BINARY : CHROMIUM;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return "0".equals(ids[1]); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static Optional<Path> findIp() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path ip = Path.of(dir, "ip");
            if (Files.isExecutable(ip)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    /** The path of {@code ip}; only valid after {@link #assumeAvailable()}. */
    static String ip() {
        return findIp().orElseThrow(() -> new IllegalStateException("ip not found")).toString();
    }

    /**
     * Waits until {@code condition} holds, polling every {@link #POLL}.
     *
     * @throws AssertionError naming {@code what} when {@code timeout} passes first
     */
    public static void waitFor(BooleanSupplier condition, Duration timeout, String what) {
        waitFor(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout, what);
    }

    /** Waits for a condition without a description; see {@link #waitFor(BooleanSupplier, Duration, String)}. */
    public static void waitFor(BooleanSupplier condition, Duration timeout) {
        waitFor(condition, timeout, "condition");
    }

    /**
     * Polls {@code probe} until it yields a value and returns it.
     *
     * @throws AssertionError naming {@code what} when {@code timeout} passes first
     */
    public static <T> T waitFor(Supplier<Optional<T>> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Output and exit status of a finished command. */
    public record CommandResult(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns the output, or throws with the output when the command failed. */
        public String orThrow() throws IOException {
            if (!ok()) {
                throw new IOException(String.join(" ", command) + " exited " + exitCode + ": " + output.strip());
            }
            return output;
        }
    }

    /** Runs a command to its end (stderr merged into stdout), killing it after {@code timeout}. */
    public static CommandResult run(Duration timeout, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            // Output of the commands run here is small; read it all, then wait.
            out = readWithTimeout(process, in, timeout);
            if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out after " + timeout);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        return new CommandResult(List.copyOf(command), process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** {@link #run(Duration, List)} with a ten-second limit. */
    public static CommandResult run(String... command) throws IOException {
        return run(Duration.ofSeconds(10), List.of(command));
    }

    private static byte[] readWithTimeout(Process process, InputStream in, Duration timeout) throws IOException {
        // A watchdog kills the process if it outlives the timeout, which ends the read below.
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                // the command ended first
            }
        }, "interop-command-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            return in.readAllBytes();
        } finally {
            watchdog.interrupt();
        }
    }

    /** Builds a command list: {@code ip} followed by {@code args}. */
    static List<String> ipCommand(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(ip());
        command.addAll(List.of(args));
        return command;
    }
}
