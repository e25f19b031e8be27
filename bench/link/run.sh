#!/usr/bin/env bash
# One data channel against TCP over the same emulated link: two network namespaces joined by TUN
# devices and bench/link/pump.py (RTT = 2 x DELAY_MS, bottleneck RATE bytes/s, QUEUE bytes).
#   bench/link/run.sh [DELAY_MS=10] [MEGABYTES=50] [RATE=12500000] [QUEUE=1000000]      (root)
set -euo pipefail
cd "$(dirname "$0")/../.."
delay=${1:-10}; mb=${2:-50}; rate=${3:-12500000}; queue=${4:-1000000}
dir=$(mktemp -d /tmp/sluice-link.XXXXXX)
a=sluice-lka-$$; b=sluice-lkb-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
./mvnw -q -B -pl peer-core test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/peer-core/target/classes:$PWD/peer-core/target/test-classes:$(cat peer-core/target/bench.classpath)"
for ns in "$a" "$b"; do
  ip netns add "$ns"; ip -n "$ns" link set lo up; ip -n "$ns" tuntap add dev tl0 mode tun
  # the pumps exchange packets over Unix datagram sockets, whose default queue is 10 datagrams
  ip netns exec "$ns" sysctl -qw net.unix.max_dgram_qlen=10000
done
ip -n "$a" addr add 10.99.0.1 peer 10.99.0.2 dev tl0; ip -n "$a" link set tl0 up mtu 1500 txqueuelen 10000
ip -n "$b" addr add 10.99.0.2 peer 10.99.0.1 dev tl0; ip -n "$b" link set tl0 up mtu 1500 txqueuelen 10000
ip netns exec "$a" python3 bench/link/pump.py tl0 "$dir/a.sock" "$dir/b.sock" "$delay" "$rate" "$queue" & pids+=($!)
ip netns exec "$b" python3 bench/link/pump.py tl0 "$dir/b.sock" "$dir/a.sock" "$delay" "$rate" "$queue" & pids+=($!)
sleep 1
ip netns exec "$b" java ${JAVA_OPTS:-} -cp "$cp" io.sluice.peer.bench.LinkBenchmark receiver "$dir" "$mb" & pids+=($!)
ip netns exec "$a" java ${JAVA_OPTS:-} -cp "$cp" io.sluice.peer.bench.LinkBenchmark sender "$dir" "$mb"
wait "${pids[2]}" || true
if [ -n "${SCTP_REPORT:-}" ]; then
  for ns in "$a" "$b"; do echo "$ns: $(ip netns exec "$ns" grep Udp: /proc/net/snmp | tail -1)"; done
fi
echo "RTT $((2 * delay)) ms, bottleneck $rate B/s, queue $queue B: $(cat "$dir/result.txt")"
