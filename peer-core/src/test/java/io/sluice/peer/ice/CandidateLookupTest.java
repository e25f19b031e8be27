package io.sluice.peer.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parsing a candidate never asks the name service: a remote peer's address that is neither an IP
 * literal nor a hostname is refused, not looked up (a lookup blocks the event loop and sends the
 * peer's string to DNS). Checked in a child JVM whose name service is a hosts file that knows
 * such strings: had the parser looked them up, they would resolve.
 */
class CandidateLookupTest {

    /** Run in the child JVM: prints what each address became. */
    public static void main(String[] args) {
        for (String host : args) {
            try {
                System.out.println(host + " -> " + Candidate.parseSdpValue("1 1 udp 2122260223 " + host
                        + " 5000 typ host").address());
            } catch (CandidateParseException e) {
                System.out.println(host + " -> refused");
            }
        }
    }

    @Test
    void addressesThatAreNotLiteralsAreNotLookedUp(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> odd = List.of(".:", ".1:", "[.:]", "..::", ".:a");
        StringBuilder hosts = new StringBuilder();
        for (String h : odd) {
            hosts.append("10.99.0.1 ").append(h.replace("[", "").replace("]", "")).append('\n');
        }
        Path file = dir.resolve("hosts");
        Files.writeString(file, hosts);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-Djdk.net.hosts.file=" + file,
                "-cp", System.getProperty("java.class.path"), CandidateLookupTest.class.getName()));
        cmd.addAll(odd);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).doesNotContain("10.99.0.1");
        assertThat(out.lines().filter(l -> l.endsWith("-> refused"))).hasSize(odd.size());
    }
}
