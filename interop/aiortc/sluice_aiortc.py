#!/usr/bin/python3
"""An independent WebRTC data-channel peer built on aiortc (Debian's python3-aiortc, 1.4.0).

Used to test and measure Sluice against another stack, and as the reference server it is compared
with. Same command line and results as the Pion program (interop/pion/src/sluicepion):

    sluice_aiortc.py client --url http://HOST:PORT/v1/whip?bridge=loopback --mode mixed|bulk|setup [options]
    sluice_aiortc.py server --listen HOST:PORT [--ice-address IP]

The client creates one data channel "bench", offers with all its candidates gathered (aiortc's
setLocalDescription gathers them all), POSTs the offer (application/sdp) to the one-call URL (201
with the answer and a Location), applies the answer, waits for the channel to open, then sends as
fast as its own flow control allows (it pauses above 1 MiB bufferedAmount and resumes on
bufferedamountlow at 256 KiB) and checks that every echo comes back complete, byte for byte, and
in order on ordered channels. At the end it DELETEs the Location and prints one JSON line of
results; it exits 1 when anything failed.

The server answers the same one-call contract and echoes every message back on its channel.
aiortc has no way to stop reading a channel (its SCTP receive window is fixed and messages are
delivered as events), so the echo is queued in the channel's send buffer: nothing is dropped, and
what it holds is bounded by what the client keeps in flight.

Run it with Debian's /usr/bin/python3; another Python earlier on PATH does not see Debian's
packages. aiortc offers the legacy data-channel syntax (m=application ... DTLS/SCTP 5000 with
a=sctpmap).
"""

import argparse
import asyncio
import hashlib
import http.client
import json
import random
import secrets
import statistics
import sys
import time
import urllib.parse

try:
    import aioice.ice
    import aioice.turn
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
except ImportError as e:  # pragma: no cover - reported as a result line
    print(json.dumps({"ok": False, "error": f"aiortc not available: {e} (apt-get install python3-aiortc; "
                      "run with /usr/bin/python3)"}))
    sys.exit(3)

HIGH_WATER = 1 << 20  # the sender pauses above this bufferedAmount
LOW_WATER = 256 << 10  # and resumes when bufferedamountlow fires at this threshold
MASK64 = (1 << 64) - 1


# ------------------------------------------------------------------------------------------------
# ICE: host candidates on the given addresses only, no STUN server, larger UDP buffers.

def configure_ice(addresses, udp_buffer):
    if addresses:
        chosen = list(addresses)
        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: list(chosen)
    if udp_buffer > 0:
        # aioice sets SO_RCVBUF of every host socket to this value (262144 by default).
        aioice.turn.UDP_SOCKET_BUFFER_SIZE = udp_buffer


def new_peer_connection():
    # No ICE servers: aiortc 1.4 as packaged by Debian has none by default either, but say so.
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


# ------------------------------------------------------------------------------------------------
# Messages: the same plan as the Pion client (splitmix64), content derived from the sequence number.

class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


TEXT_ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
TEXT_TABLE = bytes(TEXT_ALPHABET[b & 63] for b in range(256))


def content(seed, seq, n, text):
    """n bytes for message seq: pseudo-random, or for text valid UTF-8 of exactly n bytes."""
    data = random.Random(seed * 1000003 + seq).randbytes(n)
    if not text:
        return data
    b = bytearray(data.translate(TEXT_TABLE))
    if n >= 3:
        b[0:3] = "✓".encode()
    if n >= 5:
        b[n - 2:n] = "é".encode()
    return b.decode("utf8")


def plan(mode, count, total, size, seed):
    """The messages of a run, as (text, payload) with payload a str for text; see the Pion client."""
    rng = SplitMix64(seed)
    specs = []
    if mode in ("mixed", "setup"):
        for _ in range(count):
            r1, r2, r3 = rng.next(), rng.next(), rng.next()
            n = 1 + r2 % 65536
            if r1 % 2 == 1:
                n = 1 + r3 % (1 << (1 + r2 % 16))
            specs.append((n, (r1 >> 1) % 2 == 0))
        edges = [0, 0, 1, 1, 65535, 65535, 65536, 65536, 65536, 65536]
        if count >= 4 * len(edges):
            bucket = count // len(edges)
            for k, e in enumerate(edges):
                specs[k * bucket + rng.next() % bucket] = (e, k % 2 == 0)
    elif mode == "bulk":
        if not 0 < size <= 65536 or total <= 0:
            raise ValueError("bulk needs 0 < --size <= 65536 and --bytes > 0")
        while total > 0:
            specs.append((min(size, total), False))
            total -= size
    else:
        raise ValueError(f"unknown --mode {mode!r}: use mixed, bulk or setup")
    return [(text, content(seed, i, n, text)) for i, (n, text) in enumerate(specs)]


def as_bytes(payload):
    return payload.encode("utf8") if isinstance(payload, str) else payload


def digest(text, data):
    return hashlib.sha256((b"\x01" if text else b"\x00") + data).digest()


class Tracker:
    """Matches echoes with the plan: each planned message exactly once; in order on ordered channels."""

    def __init__(self, msgs):
        self.expected = {}
        self.sizes, self.heads, self.tails, self.corruptions = [], {}, {}, []
        for seq, (text, payload) in enumerate(msgs):
            data = as_bytes(payload)
            self.expected.setdefault(digest(text, data), []).append(seq)
            self.sizes.append(len(data))
            if len(data) >= 16:
                self.heads[data[:16]] = seq
                self.tails[data[-16:]] = seq
        self.known = set(self.expected)
        self.total = len(msgs)
        self.received = self.matched = self.corrupted = self.duplicates = self.out_of_order = 0
        self.bytes = 0
        self.last_seq = -1
        self.last_arrival = None
        self.all = asyncio.Event()
        if not msgs:
            self.all.set()

    def describe_corruption(self, text, data):
        """An echo matching no planned message: which planned message it starts and ends like."""
        if len(self.corruptions) >= 10:
            return
        c = {"size": len(data), "text": text, "head": data[:16].hex()}
        if len(data) >= 16:
            if data[:16] in self.heads:
                seq = self.heads[data[:16]]
                c.update(startOfSeq=seq, startOfSize=self.sizes[seq])
            if data[-16:] in self.tails:
                seq = self.tails[data[-16:]]
                c.update(endOfSeq=seq, endOfSize=self.sizes[seq])
        self.corruptions.append(c)

    def record(self, message):
        text = isinstance(message, str)
        data = as_bytes(message)
        d = digest(text, data)
        self.received += 1
        self.bytes += len(data)
        self.last_arrival = time.monotonic()
        seqs = self.expected.get(d)
        if not seqs:
            if d in self.known:
                self.duplicates += 1
            else:
                self.corrupted += 1
                self.describe_corruption(text, data)
            return
        seq = seqs.pop(0)
        if seq < self.last_seq:
            self.out_of_order += 1
        else:
            self.last_seq = seq
        self.matched += 1
        if self.matched == self.total:
            self.all.set()


# ------------------------------------------------------------------------------------------------
# Client

def http_request(method, url, body=None, headers=None):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    try:
        path = parts.path + ("?" + parts.query if parts.query else "")
        conn.request(method, path or "/", body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location"), resp.read(1 << 20)
    finally:
        conn.close()


class Session:
    def __init__(self):
        self.pc = None
        self.dc = None
        self.location = None
        self.post_ms = 0.0
        self.open_ms = 0.0

    async def close(self):
        """Ends the connection and DELETEs the server's resource; raises when the DELETE fails."""
        if self.pc is not None:
            await self.pc.close()
        if self.location:
            loop = asyncio.get_running_loop()
            status, _, _ = await loop.run_in_executor(None, http_request, "DELETE", self.location)
            if status // 100 != 2:
                raise RuntimeError(f"DELETE {self.location}: {status}")


async def connect(o):
    s = Session()
    s.pc = new_peer_connection()
    try:
        kwargs = {"ordered": o.ordered}
        if o.max_retransmits >= 0:
            kwargs["maxRetransmits"] = o.max_retransmits
        if o.max_packet_lifetime >= 0:
            kwargs["maxPacketLifeTime"] = o.max_packet_lifetime
        s.dc = s.pc.createDataChannel("bench", **kwargs)
        opened = asyncio.Event()
        s.dc.on("open", opened.set)
        failed = asyncio.Event()

        @s.pc.on("connectionstatechange")
        def on_state():
            if s.pc.connectionState in ("failed", "closed"):
                failed.set()

        # aiortc's setLocalDescription returns once gathering is complete.
        await asyncio.wait_for(s.pc.setLocalDescription(await s.pc.createOffer()), 10)
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        status, location, body = await loop.run_in_executor(
            None, http_request, "POST", o.url, s.pc.localDescription.sdp.encode(),
            {"Content-Type": "application/sdp"})
        s.post_ms = (time.perf_counter() - t0) * 1000
        if status != 201:
            raise RuntimeError(f"POST {o.url}: {status} {body.decode('utf8', 'replace').strip()}")
        if not location:
            raise RuntimeError("201 without a Location header")
        s.location = urllib.parse.urljoin(o.url, location)

        t1 = time.perf_counter()
        await s.pc.setRemoteDescription(RTCSessionDescription(sdp=body.decode("utf8"), type="answer"))
        waits = [asyncio.ensure_future(opened.wait()), asyncio.ensure_future(failed.wait())]
        done, pending = await asyncio.wait(waits, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        for w in pending:
            w.cancel()
        if not opened.is_set():
            raise RuntimeError(f"channel not open after the answer (connection {s.pc.connectionState})")
        s.open_ms = (time.perf_counter() - t1) * 1000
        return s
    except BaseException:
        try:
            await s.close()
        except Exception:
            pass
        raise


async def echo_run(o, r):
    msgs = plan(o.mode, o.count, o.bytes, o.size, o.seed)
    tracker = Tracker(msgs)
    s = await connect(o)
    r["postMs"], r["openMs"] = s.post_ms, s.open_ms
    dc = s.dc
    dc.on("message", tracker.record)
    closed = asyncio.Event()
    dc.on("close", closed.set)
    low = asyncio.Event()
    dc.bufferedAmountLowThreshold = LOW_WATER
    dc.on("bufferedamountlow", low.set)

    async def sender():
        for i, (_, payload) in enumerate(msgs):
            waited = 0
            while dc.bufferedAmount > HIGH_WATER:
                low.clear()
                if dc.bufferedAmount <= HIGH_WATER:
                    break
                if dc.readyState != "open" or waited >= 60:
                    raise RuntimeError(f"bufferedAmount {dc.bufferedAmount} stays above {HIGH_WATER} "
                                       f"(channel {dc.readyState})")
                try:
                    await asyncio.wait_for(low.wait(), 1.0)
                except asyncio.TimeoutError:
                    waited += 1
            dc.send(payload)
            r["sent"] = i + 1
            await asyncio.sleep(0)  # let the transport run between messages

    start = time.monotonic()
    send_task = asyncio.ensure_future(sender())
    all_task = asyncio.ensure_future(tracker.all.wait())
    closed_task = asyncio.ensure_future(closed.wait())
    error = None
    deadline = start + o.timeout
    try:
        while True:
            done, _ = await asyncio.wait([all_task, closed_task] + ([send_task] if not send_task.done() else []),
                                         timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
            if all_task.done():
                break
            if closed_task.done():
                error = "the channel closed before every echo arrived"
                break
            if send_task.done() and send_task.exception() is not None:
                error = str(send_task.exception())
                break
            now = time.monotonic()
            if now > deadline:
                error = f"not all echoes within {o.timeout} s"
                break
            last = tracker.last_arrival or start
            if send_task.done() and now - last > o.idle_timeout:
                error = f"no echo for {o.idle_timeout} s after the last send"
                break
    finally:
        elapsed = time.monotonic() - start
        for t in (send_task, all_task, closed_task):
            if not t.done():
                t.cancel()
    r.update(received=tracker.received, corrupted=tracker.corrupted, duplicates=tracker.duplicates,
             outOfOrder=tracker.out_of_order, bytes=tracker.bytes, missing=tracker.total - tracker.matched,
             seconds=elapsed, mbPerSec=tracker.bytes / 1e6 / elapsed if elapsed > 0 else 0)
    if tracker.corruptions:
        r["corruptions"] = tracker.corruptions
    try:
        await s.close()
    except Exception as e:
        error = error or str(e)
    if error:
        raise RuntimeError(error)


async def setup_timing(o, r):
    posts, opens = [], []
    for i in range(o.connections):
        s = await connect(o)
        got = asyncio.get_running_loop().create_future()
        s.dc.on("message", lambda m: got.done() or got.set_result(m))
        probe = f"setup {i}"
        error = None
        try:
            s.dc.send(probe)
            echo = await asyncio.wait_for(got, 10)
            if echo != probe:
                error = f"echo {echo!r}, want {probe!r}"
        except asyncio.TimeoutError:
            error = "no echo within 10 s"
        await s.close()
        if error:
            raise RuntimeError(f"connection {i + 1}: {error}")
        r["sent"] += 1
        r["received"] += 1
        posts.append(round(s.post_ms, 3))
        opens.append(round(s.open_ms, 3))
    r.update(postMsAll=posts, openMsAll=opens, connections=o.connections,
             postMs=statistics.median(posts), openMs=statistics.median(opens))


def run_client(o):
    r = {"client": "aiortc", "mode": o.mode, "ordered": o.ordered, "ok": False, "sent": 0, "received": 0,
         "missing": 0, "corrupted": 0, "duplicates": 0, "outOfOrder": 0, "bytes": 0, "seconds": 0.0,
         "mbPerSec": 0.0, "postMs": 0.0, "openMs": 0.0, "error": ""}
    error = None
    try:
        if not o.url:
            raise ValueError("--url is required")
        asyncio.run(setup_timing(o, r) if o.mode == "setup" else echo_run(o, r))
    except Exception as e:
        error = f"{type(e).__name__}: {e}" if not isinstance(e, RuntimeError) else str(e)
    r["error"] = error or ""
    r["ok"] = (error is None and r["missing"] == 0 and r["corrupted"] == 0 and r["duplicates"] == 0
               and (not o.ordered or r["outOfOrder"] == 0))
    print(json.dumps(r), flush=True)
    return 0 if r["ok"] else 1


# ------------------------------------------------------------------------------------------------
# Server

class Server:
    def __init__(self):
        self.peers = {}

    async def answer(self, offer):
        pc = new_peer_connection()
        session = secrets.token_hex(12)

        @pc.on("datachannel")
        def on_channel(channel):
            # aiortc cannot hold the remote back: the echo waits in the channel's send buffer.
            channel.on("message", channel.send)

        @pc.on("connectionstatechange")
        async def on_state():
            if pc.connectionState in ("failed", "closed"):
                self.peers.pop(session, None)
                await pc.close()

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception:
            await pc.close()
            raise
        self.peers[session] = pc
        return session, pc.localDescription.sdp

    async def route(self, method, target, headers, body):
        path = urllib.parse.urlsplit(target).path
        if method == "POST":
            if not headers.get("content-type", "").startswith("application/sdp"):
                return 415, {}, b"Content-Type must be application/sdp\n"
            try:
                session, sdp = await self.answer(body.decode("utf8"))
            except Exception as e:
                return 400, {}, f"{type(e).__name__}: {e}\n".encode()
            return 201, {"Content-Type": "application/sdp", "Location": f"/v1/whip/{session}"}, sdp.encode()
        if method == "DELETE":
            pc = self.peers.pop(path.rsplit("/", 1)[-1], None)
            if pc is None:
                return 404, {}, b"no such session\n"
            await pc.close()
            return 200, {}, b""
        return 405, {}, b"POST an offer or DELETE a session\n"

    async def handle(self, reader, writer):
        try:
            request = (await reader.readline()).decode("latin1").split()
            headers = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(request) < 2:
                status, extra, body = 400, {}, b"bad request line\n"
            elif length > 1 << 20:
                status, extra, body = 413, {}, b"offer too large\n"
            else:
                payload = await reader.readexactly(length)
                status, extra, body = await self.route(request[0], request[1], headers, payload)
            reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                      413: "Payload Too Large", 415: "Unsupported Media Type"}.get(status, "")
            head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Connection: close"]
            head += [f"{k}: {v}" for k, v in extra.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin1") + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def serve(o):
    host, _, port = o.listen.rpartition(":")
    server = Server()
    tcp = await asyncio.start_server(server.handle, host.strip("[]"), int(port))
    address = tcp.sockets[0].getsockname()
    print(json.dumps({"listening": f"{address[0]}:{address[1]}"}), flush=True)
    async with tcp:
        await tcp.serve_forever()


# ------------------------------------------------------------------------------------------------

def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("client")
    c.add_argument("--url", default="")
    c.add_argument("--mode", default="mixed", choices=["mixed", "bulk", "setup"])
    c.add_argument("--ordered", default="true", choices=["true", "false"])
    c.add_argument("--max-retransmits", type=int, default=-1)
    c.add_argument("--max-packet-lifetime", type=int, default=-1)
    c.add_argument("--count", type=int, default=1000)
    c.add_argument("--bytes", type=int, default=64 << 20)
    c.add_argument("--size", type=int, default=16384)
    c.add_argument("--connections", type=int, default=10)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--timeout", type=float, default=300, help="seconds for the whole run")
    c.add_argument("--idle-timeout", type=float, default=20, help="seconds without an echo after the last send")
    s = sub.add_parser("server")
    s.add_argument("--listen", default="127.0.0.1:0")
    for q in (c, s):
        q.add_argument("--ice-address", action="append", default=[], help="gather on this address only")
        # aioice's 256 KiB by default: Python is the bottleneck, so a larger kernel buffer only
        # queues datagrams, delaying SACKs past the peer's RTO and STUN consent answers past
        # aioice's 0.5 s (six misses in a row close the connection).
        q.add_argument("--udp-buffer", type=int, default=0, help="SO_RCVBUF of the ICE sockets (0: aioice's 256 KiB)")
    o = p.parse_args(argv)
    configure_ice(o.ice_address, o.udp_buffer)
    if o.command == "server":
        try:
            asyncio.run(serve(o))
        except KeyboardInterrupt:
            pass
        return 0
    o.ordered = o.ordered == "true"
    return run_client(o)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
