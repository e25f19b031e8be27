#!/usr/bin/env python3
"""One end of an emulated link: moves IP packets between a TUN device (in this network namespace)
and the other end's Unix socket, shaping what leaves: a bottleneck of RATE bytes/s with a drop-tail
queue of QUEUE bytes, then DELAY ms of one-way latency. Two pumps, one per namespace, make a link
that both TCP and SCTP-over-UDP cross the same way (this kernel has no sch_netem).

usage: pump.py TUN_NAME MY_SOCKET PEER_SOCKET DELAY_MS RATE_BYTES_PER_S QUEUE_BYTES
"""
import fcntl
import heapq
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454ca
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

name, mine, peer, delay_ms, rate, queue = sys.argv[1:7]
delay = float(delay_ms) / 1000.0
rate = float(rate)
queue = float(queue)

tun = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
os.set_blocking(tun, False)
if os.path.exists(mine):
    os.unlink(mine)
us = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
us.bind(mine)
us.setblocking(False)
us.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
us.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)

pending = []          # (delivery time, seq, packet)
seq = 0
last_departure = 0.0
dropped = 0
forwarded = 0
report_at = time.monotonic() + 5
while True:
    now = time.monotonic()
    if now >= report_at and os.environ.get('PUMP_REPORT'):
        sys.stderr.write('%s: forwarded %d, dropped %d\n' % (name, forwarded, dropped))
        report_at = now + 5
    while pending and pending[0][0] <= now:
        _, _, pkt = heapq.heappop(pending)
        try:
            us.sendto(pkt, peer)
        except (FileNotFoundError, ConnectionRefusedError, BlockingIOError):
            dropped += 1
    timeout = max(0.0, pending[0][0] - now) if pending else 0.5
    readable, _, _ = select.select([tun, us], [], [], timeout)
    now = time.monotonic()
    if tun in readable:
        for _ in range(64):
            try:
                pkt = os.read(tun, 65536)
            except BlockingIOError:
                break
            start = max(now, last_departure)
            if (start - now) * rate + len(pkt) > queue:
                dropped += 1        # the bottleneck's queue is full: tail drop
                continue
            last_departure = start + len(pkt) / rate
            seq += 1
            heapq.heappush(pending, (last_departure + delay, seq, pkt))
            forwarded += 1
    if us in readable:
        for _ in range(64):
            try:
                pkt = us.recv(65536)
            except BlockingIOError:
                break
            try:
                os.write(tun, pkt)
            except OSError:
                dropped += 1
