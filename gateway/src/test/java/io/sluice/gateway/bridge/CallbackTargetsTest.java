package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callback target policy alone: spellings, ranges, allow-list, one lookup per resolution. */
class CallbackTargetsTest {

    @Test
    void ambiguousSpellingsAreRefusedBeforeAnyLookup() {
        AtomicInteger lookups = new AtomicInteger();
        CallbackTargets t = new CallbackTargets(List.of(), host -> {
            lookups.incrementAndGet();
            return InetAddress.getAllByName(host);
        });
        for (String host : new String[] {"127.1", "2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "0",
            "127.0.0.1.", "127.000.000.001", "0x7F.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "[fe80::1%lo]",
            "fe80::1%1", "[::ffff:127.0.0.1]", "::ffff:8.8.8.8", "[0:0:0:0:0:ffff:7f00:1]", "[::127.0.0.1]",
            "a.b%2e1"}) {
            assertThatThrownBy(() -> t.resolve(host, 80)).as(host).isInstanceOf(CallbackTargets.Refused.class);
        }
        assertThat(lookups).hasValue(0);
    }

    @Test
    void refusedRanges() throws Exception {
        for (String a : new String[] {"0.0.0.0", "0.255.1.1", "10.0.0.1", "100.64.0.0", "100.127.255.255",
            "127.0.0.1", "127.255.0.9", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1",
            "192.168.0.1", "198.18.0.0", "198.19.255.255", "198.51.100.1", "203.0.113.9", "224.0.0.1",
            "240.0.0.1", "255.255.255.255", "::", "::1", "::7f00:1", "64:ff9b::a00:1", "64:ff9b::808:808",
            "64:ff9b:1::1", "100::1", "2001::1", "2001:db8::1", "2002:a00:1::", "fc00::1", "fd12::1", "fe80::1",
            "fec0::1", "ff02::1"}) {
            assertThat(CallbackTargets.refusedRange(InetAddress.getByName(a))).as(a).isNotNull();
        }
        for (String a : new String[] {"8.8.8.8", "100.63.255.255", "100.128.0.0", "198.17.255.255", "198.20.0.0",
            "1.1.1.1", "2606:4700::1111", "2a00:1450::1", "64:ff9c::1"}) {
            assertThat(CallbackTargets.refusedRange(InetAddress.getByName(a))).as(a).isNull();
        }
    }

    @Test
    void everyAddressOfAHostIsCheckedAndTheCheckedLiteralsAreWhatIsReturned() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CallbackTargets t = new CallbackTargets(List.of("allowed.test:8080"), host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.1")};
        });
        assertThatThrownBy(() -> t.resolve("mixed.test", 80)).isInstanceOf(CallbackTargets.Refused.class)
                .hasMessageContaining("10.0.0.1");
        List<InetSocketAddress> allowed = t.resolve("allowed.test", 8080);
        assertThat(allowed).extracting(a -> a.getAddress().getHostAddress()).containsExactly("8.8.8.8", "10.0.0.1");
        assertThat(allowed).allSatisfy(a -> {
            assertThat(a.isUnresolved()).isFalse();
            assertThat(a.getPort()).isEqualTo(8080);
        });
        // The allow-list names a port: the same host on another port is checked.
        assertThatThrownBy(() -> t.resolve("allowed.test", 8081)).isInstanceOf(CallbackTargets.Refused.class);
        assertThat(lookups).hasValue(3);
    }
}
