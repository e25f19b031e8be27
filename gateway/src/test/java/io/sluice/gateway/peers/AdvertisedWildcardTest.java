package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code *=public} in sluice.ice.advertised-addresses maps every gathered address of that family. */
class AdvertisedWildcardTest {

    @Test
    void aWildcardMapsEveryGatheredAddressOfTheFamily() throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        InetAddress pub = InetAddress.getByName("203.0.113.7");
        var map = PeerRegistry.advertised(List.of("*=203.0.113.7"), AddressFilter.only(List.of(v4, v6)));
        assertThat(map).containsEntry(v4, pub).doesNotContainKey(v6);
        var explicit = PeerRegistry.advertised(List.of("127.0.0.1=198.51.100.1", "*=203.0.113.7"),
                AddressFilter.only(List.of(v4)));
        assertThat(explicit).containsEntry(v4, InetAddress.getByName("198.51.100.1"));
    }
}
