package io.sluice.peer.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace joined to the root namespace by a veth pair: a second "host" on a private
 * link, for running a browser (or another stack) against ours without touching real interfaces.
 *
 * <pre>
 *   root namespace                          namespace sluice-&lt;pid&gt;-&lt;n&gt;
 *   sl&lt;pid&gt;-&lt;n&gt;  10.77.N.254/24  ==veth==  veth0  10.77.N.1/24
 *                 fd77:N::254/64                   fd77:N::1/64
 *                                                  lo up; default routes on-link via veth0
 * </pre>
 *
 * <p>Our stack gathers and listens on {@link #hostAddress()}; programs inside reach it there, and
 * we reach them at {@link #innerAddress()}. Both addresses are on the veth link only, so every
 * packet between them (ICE checks, DTLS, the browser's mDNS multicast) stays on that link.
 *
 * <p>Containment: inside, the default routes are on-link (no gateway), and the root end answers
 * ARP only for its own address ({@code arp_ignore=1}) and does not forward, so a packet inside
 * addressed anywhere else finds no next hop instead of reaching this machine's other addresses.
 *
 * <p>{@link #close()} removes the pair and the namespace (and kills what still runs in it); a JVM
 * shutdown hook does the same for namespaces a crashed test left open, and {@link #create()} first
 * sweeps namespaces and veths of earlier runs whose JVM is gone. Requires root.
 */
public final class NetNamespace implements AutoCloseable {

    /** Name of the veth end inside the namespace. */
    public static final String INNER_INTERFACE = "veth0";

    private static final String PREFIX = "sluice-";
    private static final Pattern NAMESPACE_NAME = Pattern.compile("sluice-(\\d+)-(\\d+)");
    private static final Pattern VETH_NAME = Pattern.compile("sl(\\d+)-(\\d+)i?");
    private static final Pattern SUBNET_IN_USE = Pattern.compile("\\b10\\.77\\.(\\d+)\\.\\d+/");
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "sluice-netns.lock");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<NetNamespace> OPEN = new LinkedHashSet<>();
    private static final Object ALLOCATION = new Object();
    private static boolean hookInstalled;

    private final String name;
    private final String hostInterface;
    private final int subnet;
    private final Inet4Address hostAddress;
    private final Inet4Address innerAddress;
    private final Inet6Address hostAddress6;
    private final Inet6Address innerAddress6;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetNamespace(String name, String hostInterface, int subnet) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.subnet = subnet;
        this.hostAddress = (Inet4Address) literal("10.77." + subnet + ".254");
        this.innerAddress = (Inet4Address) literal("10.77." + subnet + ".1");
        this.hostAddress6 = (Inet6Address) literal("fd77:" + subnet + "::254");
        this.innerAddress6 = (Inet6Address) literal("fd77:" + subnet + "::1");
    }

    /**
     * Creates a namespace with a fresh subnet {@code 10.77.N.0/24} / {@code fd77:N::/64}.
     * Partial state is removed if any step fails.
     */
    public static NetNamespace create() throws IOException {
        installShutdownHook();
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String name = PREFIX + pid + "-" + n;
        String hostIf = "sl" + pid + "-" + n;
        String tmpInner = hostIf + "i";
        if (hostIf.length() > 14) {
            throw new IllegalStateException("interface name too long: " + hostIf);
        }
        synchronized (ALLOCATION) {
            // Subnet choice and address assignment are atomic across JVMs too (parallel builds).
            try (FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                sweepStale();
                int subnet = freeSubnet();
                NetNamespace ns = new NetNamespace(name, hostIf, subnet);
                synchronized (OPEN) {
                    OPEN.add(ns);
                }
                try {
                    ns.setUp(tmpInner);
                } catch (IOException | RuntimeException e) {
                    try {
                        ns.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
                return ns;
            }
        }
    }

    private void setUp(String tmpInner) throws IOException {
        String s = Integer.toString(subnet);
        ip("netns", "add", name);
        ip("link", "add", hostInterface, "type", "veth", "peer", "name", tmpInner);
        ip("link", "set", tmpInner, "netns", name);
        ip("-n", name, "link", "set", tmpInner, "name", INNER_INTERFACE);
        ip("-n", name, "link", "set", "lo", "up");

        // Root end: own address only, no forwarding, no router discovery.
        sysctl("ipv4/conf/" + hostInterface + "/arp_ignore", "1");
        sysctl("ipv4/conf/" + hostInterface + "/arp_announce", "2");
        sysctl("ipv4/conf/" + hostInterface + "/forwarding", "0");
        sysctl("ipv4/conf/" + hostInterface + "/rp_filter", "0");
        sysctl("ipv6/conf/" + hostInterface + "/forwarding", "0");
        sysctl("ipv6/conf/" + hostInterface + "/accept_ra", "0");
        ip("addr", "add", "10.77." + s + ".254/24", "dev", hostInterface);
        ip("-6", "addr", "add", "fd77:" + s + "::254/64", "dev", hostInterface, "nodad");
        ip("link", "set", hostInterface, "up");

        ip("-n", name, "addr", "add", "10.77." + s + ".1/24", "dev", INNER_INTERFACE);
        ip("-n", name, "-6", "addr", "add", "fd77:" + s + "::1/64", "dev", INNER_INTERFACE, "nodad");
        ip("-n", name, "link", "set", INNER_INTERFACE, "up");
        ip("-n", name, "route", "add", "default", "dev", INNER_INTERFACE);
        ip("-n", name, "-6", "route", "add", "default", "dev", INNER_INTERFACE);
    }

    /** The namespace's name, as in {@code ip netns list}. */
    public String name() {
        return name;
    }

    /** The veth end left in the root namespace (carries {@link #hostAddress()}). */
    public String hostInterface() {
        return hostInterface;
    }

    /** The veth end inside the namespace: {@value #INNER_INTERFACE}. */
    public String innerInterface() {
        return INNER_INTERFACE;
    }

    /** N of {@code 10.77.N.0/24} and {@code fd77:N::/64}. */
    public int subnet() {
        return subnet;
    }

    /** Root-namespace end, {@code 10.77.N.254}: where our stack gathers and listens. */
    public Inet4Address hostAddress() {
        return hostAddress;
    }

    /** Inside end, {@code 10.77.N.1}: the browser's host candidate, ChromeDriver's address. */
    public Inet4Address innerAddress() {
        return innerAddress;
    }

    /** Root-namespace end, {@code fd77:N::254}. */
    public Inet6Address hostAddress6() {
        return hostAddress6;
    }

    /** Inside end, {@code fd77:N::1}. */
    public Inet6Address innerAddress6() {
        return innerAddress6;
    }

    /** The command prefix that runs a program inside: {@code ip netns exec <name>}. */
    public List<String> execPrefix() {
        return List.of(Interop.ip(), "netns", "exec", name);
    }

    /** Runs {@code command} inside the namespace to its end; throws with its output if it fails. */
    public String exec(String... command) throws IOException {
        return execResult(command).orThrow();
    }

    /** Runs {@code command} inside the namespace to its end and returns status and output. */
    public Interop.CommandResult execResult(String... command) throws IOException {
        List<String> full = new ArrayList<>(execPrefix());
        full.addAll(List.of(command));
        return Interop.run(COMMAND_TIMEOUT, full);
    }

    /** A process builder for a long-running program inside the namespace. */
    public ProcessBuilder processBuilder(List<String> command) {
        List<String> full = new ArrayList<>(execPrefix());
        full.addAll(command);
        return new ProcessBuilder(full);
    }

    /** Packets received so far by the root veth end, from {@code /sys/class/net}. */
    public long hostRxPackets() {
        return counter(hostInterface, "rx_packets");
    }

    /** Packets sent so far by the root veth end. */
    public long hostTxPackets() {
        return counter(hostInterface, "tx_packets");
    }

    /** Whether the namespace still exists (listed by {@code ip netns list}). */
    public static boolean namespaceExists(String name) throws IOException {
        return listNamespaces().contains(name);
    }

    /** Whether a link of that name exists in the root namespace. */
    public static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /**
     * Kills what still runs inside, deletes the veth pair and the namespace. Idempotent; also run
     * by the shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            destroy(name, hostInterface);
        } catch (IOException e) {
            problems.add(e.getMessage());
        } finally {
            synchronized (OPEN) {
                OPEN.remove(this);
            }
        }
        if (!problems.isEmpty()) {
            throw new UncheckedIOException(new IOException("cleanup of " + name + ": " + problems));
        }
    }

    @Override
    public String toString() {
        return name + "[" + hostInterface + " " + hostAddress.getHostAddress() + " <-> "
                + INNER_INTERFACE + " " + innerAddress.getHostAddress() + "]";
    }

    private static void destroy(String namespace, String hostIf) throws IOException {
        IOException failure = null;
        if (listNamespaces().contains(namespace)) {
            killProcessesIn(namespace);
        }
        // Deleting the root end removes both ends at once; the namespace's own teardown is
        // asynchronous and would leave the root end visible for a while.
        if (linkExists(hostIf)) {
            Interop.CommandResult r = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("link", "del", hostIf));
            if (!r.ok() && linkExists(hostIf)) {
                failure = new IOException("ip link del " + hostIf + ": " + r.output().strip());
            }
        }
        if (listNamespaces().contains(namespace)) {
            Interop.CommandResult r = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("netns", "del", namespace));
            if (!r.ok() && listNamespaces().contains(namespace)) {
                IOException e = new IOException("ip netns del " + namespace + ": " + r.output().strip());
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Kills (by pid) the processes left inside one of our namespaces, e.g. a driver or browser. */
    private static void killProcessesIn(String namespace) throws IOException {
        Interop.CommandResult pids = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("netns", "pids", namespace));
        if (!pids.ok()) {
            return;
        }
        List<ProcessHandle> victims = new ArrayList<>();
        for (String line : pids.output().split("\\s+")) {
            if (!line.isBlank() && line.chars().allMatch(Character::isDigit)) {
                ProcessHandle.of(Long.parseLong(line)).ifPresent(victims::add);
            }
        }
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle victim : victims) {
            try {
                victim.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort; deleting the namespace still proceeds
            }
        }
    }

    /**
     * Removes {@code sluice-<pid>-<n>} namespaces and {@code sl<pid>-<n>} links whose creating
     * JVM no longer runs (leftovers of killed test runs). Namespaces of live JVMs, including
     * parallel builds, are left alone.
     */
    public static void sweepStale() throws IOException {
        for (String ns : listNamespaces()) {
            Matcher m = NAMESPACE_NAME.matcher(ns);
            if (m.matches() && !isLiveJvm(Long.parseLong(m.group(1)))) {
                destroy(ns, "sl" + m.group(1) + "-" + m.group(2));
            }
        }
        String links = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("-o", "link", "show")).orThrow();
        for (String line : links.split("\n")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            String link = fields[1].contains("@") ? fields[1].substring(0, fields[1].indexOf('@')) : fields[1];
            Matcher m = VETH_NAME.matcher(link);
            if (m.matches() && !isLiveJvm(Long.parseLong(m.group(1)))) {
                Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("link", "del", link));
            }
        }
    }

    private static boolean isLiveJvm(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        return ProcessHandle.of(pid)
                .map(h -> h.isAlive() && h.info().command().map(c -> c.contains("java")).orElse(true))
                .orElse(false);
    }

    static List<String> listNamespaces() throws IOException {
        String out = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("netns", "list")).orThrow();
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                names.add(trimmed.split("\\s+")[0]); // "name (id: 3)"
            }
        }
        return names;
    }

    /** Lowest N in 1..250 such that no root-namespace address lies in 10.77.N.0/24. */
    private static int freeSubnet() throws IOException {
        String addresses = Interop.run(COMMAND_TIMEOUT, Interop.ipCommand("-o", "-4", "addr", "show")).orThrow();
        BitSet used = new BitSet(256);
        Matcher m = SUBNET_IN_USE.matcher(addresses);
        while (m.find()) {
            used.set(Integer.parseInt(m.group(1)));
        }
        for (int n = 1; n <= 250; n++) {
            if (!used.get(n)) {
                return n;
            }
        }
        throw new IOException("no free subnet in 10.77.1-250.0/24");
    }

    private static void ip(String... args) throws IOException {
        Interop.run(COMMAND_TIMEOUT, Interop.ipCommand(args)).orThrow();
    }

    private static void sysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys/net", key), value);
    }

    private static long counter(String link, String counter) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/class/net", link, "statistics", counter)).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private static synchronized void installShutdownHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<NetNamespace> left;
            synchronized (OPEN) {
                left = new ArrayList<>(OPEN);
            }
            for (NetNamespace ns : left) {
                try {
                    ns.close();
                } catch (RuntimeException e) {
                    System.err.println("sluice: could not remove namespace " + ns.name + ": " + e.getMessage());
                }
            }
        }, "sluice-netns-cleanup"));
    }
}
