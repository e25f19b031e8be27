// Saturating data-channel sender and content verifier for headless Chromium
// (io.sluice.peer.interop.Saturation). Every message is derived from its sequence number, so the
// receiving side regenerates what it expects and compares every byte; nothing is kept but a bitmap.
//
// Message #seq of a plan entry {size, binary}:
//   binary: xorshift32 words (seed from seq and size), little-endian, cut to size; when size >= 4
//           the first 4 bytes are seq, big-endian.
//   text:   "<seq>:" when it fits, then characters from xorshift32 (a-z, é, ✓, 😀) up to exactly
//           size UTF-8 bytes. A text without the header never starts with a digit.
// Io.sluice.peer.interop.Saturation#binary is the Java twin of binary().
//
// Sessions are kept by name: the offering side (connectWhip, or offer + accept) sends with run();
// the answering side (answer) echoes or verifies. Times are epoch ms (performance.timeOrigin +
// performance.now()), comparable between browser processes on one machine.
(function () {
  if (window.saturate) {
    return;
  }
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    throw new Error('saturate.js assumes a little-endian platform');
  }
  const sessions = new Map();
  const MULTI = [[0xC3, 0xA9], [0xE2, 0x9C, 0x93], [0xF0, 0x9F, 0x98, 0x80]]; // é ✓ 😀 in UTF-8
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', {fatal: true});
  const now = () => performance.timeOrigin + performance.now();

  function seed(seq, size, salt) {
    const x = (Math.imul(seq, 0x9E3779B1) + size + salt) | 0;
    return x === 0 ? 1 : x;
  }

  function binary(seq, size) {
    const words = (size + 3) >>> 2;
    const w = new Int32Array(words);
    let x = seed(seq, size, 0);
    for (let i = 0; i < words; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      w[i] = x;
    }
    const b = new Uint8Array(w.buffer, 0, size);
    if (size >= 4) {
      b[0] = seq >>> 24;
      b[1] = seq >>> 16;
      b[2] = seq >>> 8;
      b[3] = seq;
    }
    return b;
  }

  // UTF-8 of text message #seq, built as bytes (fast), decoded only to send.
  function textBytes(seq, size) {
    const head = seq + ':';
    const b = new Uint8Array(size);
    let k = 0;
    if (head.length <= size) {
      for (; k < head.length; k++) {
        b[k] = head.charCodeAt(k);
      }
    }
    let x = seed(seq, size, 0x5bd1e995);
    while (k < size) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const r = x & 7;
      const n = r >= 5 && size - k >= r - 3 ? r - 3 : 1;
      const m = n === 1 ? null : MULTI[n - 2];
      if (m === null) {
        b[k++] = 97 + ((x >>> 3) % 26);
      } else {
        for (let j = 0; j < n; j++) {
          b[k++] = m[j];
        }
      }
    }
    return b;
  }

  function text(seq, size) {
    return decoder.decode(textBytes(seq, size));
  }

  function message(seq, p) {
    return p.binary ? binary(seq, p.size) : text(seq, p.size);
  }

  function sameBytes(got, want) {
    if (got.byteLength !== want.byteLength) {
      return false;
    }
    const n = got.byteLength;
    const words = n >>> 2;
    const g = new Int32Array(got.buffer, got.byteOffset, words);
    const w = new Int32Array(want.buffer, want.byteOffset, words);
    for (let i = 0; i < words; i++) {
      if (g[i] !== w[i]) {
        return false;
      }
    }
    for (let i = words * 4; i < n; i++) {
      if (got[i] !== want[i]) {
        return false;
      }
    }
    return true;
  }

  // The sequence number a message carries, or -1 when it is too short to carry one.
  function identify(data) {
    if (typeof data === 'string') {
      const m = /^(\d{1,10}):/.exec(data.length > 12 ? data.substring(0, 12) : data);
      return m ? Number(m[1]) : -1;
    }
    return data.byteLength < 4 ? -1 : new DataView(data).getUint32(0);
  }

  function tiny(seq, p) {
    return p.binary ? p.size < 4 : (seq + ':').length > p.size;
  }

  function tinyKey(data) {
    return typeof data === 'string' ? 't:' + data : 'b:' + Array.from(new Uint8Array(data)).join(',');
  }

  function describe(data) {
    if (typeof data === 'string') {
      return 'text of ' + data.length + ' chars starting ' + JSON.stringify(data.substring(0, 24));
    }
    const b = new Uint8Array(data, 0, Math.min(16, data.byteLength));
    return 'binary of ' + data.byteLength + ' bytes starting [' + Array.from(b).join(',') + ']';
  }

  function mulberry32(a) {
    return () => {
      a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // spec.kind 'mixed': spec.count messages, text and binary, sizes 1..65536 at random (seed
  // spec.seed) with 0, 1, 2, 3, 4, 65535 and 65536 bytes of both kinds among them.
  // spec.kind 'bulk': spec.total bytes in binary messages of spec.size.
  function planOf(spec) {
    if (spec.kind === 'bulk') {
      const count = Math.ceil(spec.total / spec.size);
      const last = spec.total - (count - 1) * spec.size;
      const full = {size: spec.size, binary: true};
      const tail = {size: last, binary: true};
      return {count: count, at: seq => (seq === count - 1 ? tail : full)};
    }
    if (spec.kind !== 'mixed') {
      throw new Error('unknown plan kind ' + spec.kind);
    }
    const fixed = [[0, false], [0, true], [1, false], [1, true], [65536, false], [65536, true],
                   [65535, true], [65535, false], [4, true], [3, true], [2, false]];
    const special = [65536, 0, 1, 65535];
    const rnd = mulberry32(spec.seed | 0);
    const list = [];
    for (let i = 0; i < spec.count; i++) {
      if (i < fixed.length) {
        list.push({size: fixed[i][0], binary: fixed[i][1]});
      } else if (i % 100 === 50) {
        const k = (i / 100) | 0;
        list.push({size: special[k % special.length], binary: k % 2 === 0});
      } else {
        list.push({size: 1 + Math.floor(rnd() * 65536), binary: rnd() < 0.5});
      }
    }
    return {count: list.length, at: seq => list[seq]};
  }

  // Checks each arriving message against the plan. Ordered reliable channels: every message is
  // the next one. Otherwise (unordered or partially reliable): each at most once, content exact,
  // and for ordered channels never an older one after a newer one.
  function verifier(spec, plan) {
    const strict = spec.ordered !== false && !spec.partial;
    const seen = new Uint8Array(plan.count);
    const tinyLeft = new Map();
    if (!strict) {
      for (let s = 0; s < plan.count; s++) {
        const p = plan.at(s);
        if (tiny(s, p)) {
          const k = tinyKey(p.binary ? binary(s, p.size).slice().buffer : text(s, p.size));
          tinyLeft.set(k, (tinyLeft.get(k) || 0) + 1);
        }
      }
    }
    const v = {received: 0, verifiedBytes: 0, unique: 0, mismatches: 0, duplicates: 0, outOfOrder: 0,
               skipped: 0, next: 0, highest: -1, first: null, last: null, notes: [],
               sentAt: new Float64Array(plan.count), arrivedAt: new Float64Array(plan.count)};
    let done;
    v.complete = new Promise(r => done = r);
    let gapNotes = 0;
    const note = (s, gap) => {
      if (gap ? gapNotes < 6 : v.notes.length - gapNotes < 10) {
        v.notes.push(s);
        gapNotes += gap ? 1 : 0;
      }
    };
    const matches = (seq, data) => {
      const p = plan.at(seq);
      return p.binary ? data instanceof ArrayBuffer && sameBytes(new Uint8Array(data), binary(seq, p.size))
                      : typeof data === 'string' && sameBytes(encoder.encode(data), textBytes(seq, p.size));
    };
    const check = (seq, data) => {
      const p = plan.at(seq);
      if (matches(seq, data)) {
        v.verifiedBytes += p.size;
      } else {
        v.mismatches++;
        note('#' + seq + ': expected ' + (p.binary ? 'binary' : 'text') + ' of ' + p.size + ' bytes, got '
             + describe(data));
      }
    };
    v.onMessage = data => {
      const t = now();
      if (v.first === null) {
        v.first = t;
      }
      v.last = t;
      v.received++;
      let seq = identify(data);
      if (strict) {
        if (seq < 0) {
          // Too short to carry a number: the next one, or after a gap the next short one it equals.
          seq = v.next;
          for (let s = v.next; s < plan.count && !matches(seq, data); s++) {
            if (tiny(s, plan.at(s)) && matches(s, data)) {
              seq = s;
            }
          }
        }
        if (seq >= plan.count) {
          v.mismatches++;
          note('message ' + v.received + ' carries #' + seq + ', beyond the plan: ' + describe(data));
          return;
        }
        if (seq > v.next) {
          v.skipped += seq - v.next;
          note('#' + v.next + '..#' + (seq - 1) + ' missing before #' + seq, true);
        } else if (seq < v.next) {
          v.outOfOrder++;
          note('#' + seq + ' after #' + (v.next - 1));
        }
        check(seq, data);
        if (!seen[seq]) {
          seen[seq] = 1;
          v.arrivedAt[seq] = t;
          v.unique++;
        }
        v.next = Math.max(v.next, seq + 1);
      } else if (seq < 0) {
        const k = tinyKey(data);
        const left = tinyLeft.get(k) || 0;
        if (left > 0) {
          tinyLeft.set(k, left - 1);
          v.unique++;
          v.verifiedBytes += typeof data === 'string' ? encoder.encode(data).length : data.byteLength;
        } else {
          v.mismatches++;
          note('unexpected or repeated short message: ' + describe(data));
        }
      } else if (seq >= plan.count) {
        v.mismatches++;
        note('a message carries #' + seq + ', beyond the plan: ' + describe(data));
      } else if (seen[seq]) {
        v.duplicates++;
        note('#' + seq + ' twice');
      } else {
        seen[seq] = 1;
        v.arrivedAt[seq] = t;
        v.unique++;
        if (spec.ordered !== false && seq < v.highest) {
          v.outOfOrder++;
          note('#' + seq + ' after #' + v.highest + ' on an ordered channel');
        }
        v.highest = Math.max(v.highest, seq);
        check(seq, data);
      }
      if (v.unique === plan.count) {
        done();
      }
    };
    v.missing = () => {
      const out = [];
      let n = 0;
      for (let s = 0; s < plan.count; s++) {
        if (!seen[s] && !(!strict && tiny(s, plan.at(s)))) {
          n++;
          if (out.length < 10) {
            out.push(s);
          }
        }
      }
      let tinyMissing = 0;
      tinyLeft.forEach(c => tinyMissing += c);
      return {count: n + tinyMissing, first: out};
    };
    // On an ordered channel with a packet lifetime a message may be given up only once it is that
    // old: the messages after it are delivered after the skip, so none may arrive earlier than
    // lifetimeMs after the missing one was sent. Missing messages that break this rule.
    v.lostBeforeTheirLifetime = () => {
      const out = [];
      let n = 0;
      let earliestLater = Infinity;
      for (let s = plan.count - 1; s >= 0; s--) {
        if (seen[s]) {
          earliestLater = Math.min(earliestLater, v.arrivedAt[s]);
        } else if (!tiny(s, plan.at(s)) && earliestLater < v.sentAt[s] + spec.lifetimeMs) {
          n++;
          if (out.length < 10) {
            out.push('#' + s + ' missing, sent at ' + v.sentAt[s].toFixed(1) + ', a later one arrived '
                     + (earliestLater - v.sentAt[s]).toFixed(1) + ' ms after');
          }
        }
      }
      return {count: n, first: out};
    };
    v.report = () => {
      const missing = v.missing();
      return {expected: plan.count, received: v.received, unique: v.unique, verifiedBytes: v.verifiedBytes,
              mismatches: v.mismatches, duplicates: v.duplicates, outOfOrder: v.outOfOrder,
              missing: missing.count, firstMissing: missing.first, firstReceivedAt: v.first,
              lastReceivedAt: v.last, notes: v.notes.slice(),
              lostBeforeTheirLifetime: spec.lifetimeMs ? v.lostBeforeTheirLifetime() : null};
    };
    return v;
  }

  function waitLowOrTimeout(dc, ms) {
    return new Promise(resolve => {
      const finish = ok => {
        clearTimeout(timer);
        dc.removeEventListener('bufferedamountlow', low);
        dc.removeEventListener('close', closed);
        resolve(ok);
      };
      const low = () => finish(true);
      const closed = () => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      dc.addEventListener('bufferedamountlow', low);
      dc.addEventListener('close', closed);
    });
  }

  // Sends the plan as fast as the channel's own flow control allows: pauses while bufferedAmount
  // is above spec.high, resumes on bufferedamountlow (threshold spec.low).
  async function sendAll(dc, spec, plan, st) {
    dc.bufferedAmountLowThreshold = spec.low;
    st.firstSentAt = now();
    for (let seq = 0; seq < plan.count; seq++) {
      while (dc.bufferedAmount > spec.high) {
        st.pauses++;
        if (!(await waitLowOrTimeout(dc, spec.stallMs))) {
          throw new Error('sender stalled after ' + seq + ' messages: bufferedAmount ' + dc.bufferedAmount
                          + ' not down to ' + spec.low + ' within ' + spec.stallMs + ' ms, channel '
                          + dc.readyState);
        }
      }
      if (dc.readyState !== 'open') {
        throw new Error('channel ' + dc.readyState + ' after ' + seq + ' messages');
      }
      const p = plan.at(seq);
      const m = message(seq, p);
      if (st.sentAt) {
        st.sentAt[seq] = now();
      }
      dc.send(m);
      st.sent = seq + 1;
      st.sentBytes += p.size;
      st.maxBufferedAmount = Math.max(st.maxBufferedAmount, dc.bufferedAmount);
    }
    st.lastSentAt = now();
  }

  // Resolves when the verifier has everything, or when nothing arrived for quietMs after the
  // sender finished (or stallMs at any time). Never rejects.
  function settle(v, st, spec, dc) {
    return new Promise(resolve => {
      let lastCount = -1;
      let lastChange = now();
      const timer = setInterval(() => {
        const t = now();
        if (v.received !== lastCount || st.sent !== st.lastSentSeen) {
          lastCount = v.received;
          st.lastSentSeen = st.sent;
          lastChange = t;
        }
        const idle = t - lastChange;
        if (st.error !== null && idle > 500) {
          finish('sender failed');
        } else if (st.lastSentAt !== null && idle > spec.quietMs) {
          finish('nothing arrived for ' + spec.quietMs + ' ms after the last send');
        } else if (idle > spec.stallMs) {
          finish('no progress for ' + spec.stallMs + ' ms');
        } else if (dc && dc.readyState === 'closed' && idle > 200) {
          finish('channel closed');
        }
      }, 50);
      let settled = false;
      const finish = why => {
        if (!settled) {
          settled = true;
          clearInterval(timer);
          resolve(why);
        }
      };
      v.complete.then(() => finish(null));
    });
  }

  function newSession(name, pc, dc) {
    if (sessions.has(name)) {
      throw new Error('session ' + name + ' exists');
    }
    const s = {pc: pc, dc: dc, events: [], closedAt: null};
    sessions.set(name, s);
    if (dc) {
      watch(s, dc);
    }
    return s;
  }

  function watch(s, dc) {
    s.dc = dc;
    dc.binaryType = 'arraybuffer';
    s.opened = new Promise((resolve, reject) => {
      dc.addEventListener('open', () => resolve(now()));
      dc.addEventListener('close', () => reject(new Error('channel closed before it opened')));
    });
    s.opened.catch(() => {});
    dc.addEventListener('close', () => {
      s.closedAt = now();
      s.events.push('close');
    });
    dc.addEventListener('error', e => s.events.push('error: ' + (e.error && e.error.message || e)));
  }

  function session(name) {
    const s = sessions.get(name);
    if (!s) {
      throw new Error('no session ' + name);
    }
    return s;
  }

  async function gathered(pc) {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise(resolve => {
        const check = () => {
          if (pc.iceGatheringState === 'complete') {
            pc.removeEventListener('icegatheringstatechange', check);
            resolve();
          }
        };
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    return pc.localDescription.sdp;
  }

  async function opened(s, ms) {
    let timer;
    const timeout = new Promise((_, reject) => timer = setTimeout(() => reject(new Error(
        'channel not open after ' + ms + ' ms: connection ' + s.pc.connectionState + ', ice '
        + s.pc.iceConnectionState + ', channel ' + s.dc.readyState)), ms));
    try {
      return await Promise.race([s.opened, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Chromium's own counts: the data channel's messages and the selected pair's packets.
  async function transferStats(pc) {
    const out = {};
    (await pc.getStats()).forEach(r => {
      if (r.type === 'data-channel') {
        out.channel = {messagesSent: r.messagesSent, bytesSent: r.bytesSent, messagesReceived: r.messagesReceived,
                       bytesReceived: r.bytesReceived};
      } else if (r.type === 'candidate-pair' && r.nominated) {
        out.pair = {packetsSent: r.packetsSent, packetsReceived: r.packetsReceived, bytesSent: r.bytesSent,
                    bytesReceived: r.bytesReceived, rtt: r.currentRoundTripTime};
      }
    });
    return out;
  }

  window.saturate = {
    binary: binary,
    text: text,
    planOf: planOf,

    // The one-call form: a channel 'bench' (init: RTCDataChannelInit), complete offer POSTed as
    // application/sdp to url, answer applied. postMs: POST until the 201 body was read; openMs:
    // from applying the answer until the channel opened; totalMs: POST until open.
    async connectWhip(name, url, init) {
      const pc = new RTCPeerConnection();
      const s = newSession(name, pc, pc.createDataChannel('bench', init || {}));
      await pc.setLocalDescription();
      const offer = await gathered(pc);
      const t0 = now();
      const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: offer});
      const body = await res.text();
      const t1 = now();
      if (res.status !== 201) {
        throw new Error('POST ' + url + ' answered ' + res.status + ': ' + body);
      }
      s.location = res.headers.get('Location');
      const t2 = now();
      await pc.setRemoteDescription({type: 'answer', sdp: body});
      const t3 = await opened(s, 20000);
      return {postMs: t1 - t0, openMs: t3 - t2, totalMs: t3 - t0, location: s.location};
    },

    // Offering side against another browser: returns the complete offer.
    async offer(name, init) {
      const pc = new RTCPeerConnection();
      newSession(name, pc, pc.createDataChannel('bench', init || {}));
      await pc.setLocalDescription();
      return gathered(pc);
    },

    // Applies the other browser's answer; openMs: from applying it until the channel opened
    // (appliedAt, openAt).
    async accept(name, answer) {
      const s = session(name);
      const t2 = now();
      await s.pc.setRemoteDescription({type: 'answer', sdp: answer});
      const t3 = await opened(s, 20000);
      return {openMs: t3 - t2, appliedAt: t2, openAt: t3};
    },

    // Answering side: role 'echo' sends every message back on its channel; role 'verify' checks
    // what arrives against spec's plan (see received()). answerMs: offer applied until gathering
    // completed on the answer (offerAppliedAt, answeredAt).
    async answer(name, offer, role, spec) {
      const pc = new RTCPeerConnection();
      const s = newSession(name, pc, null);
      s.echoed = 0;
      s.echoErrors = [];
      s.maxBufferedAmount = 0;
      if (role === 'verify') {
        s.verifier = verifier(spec, planOf(spec));
      } else if (role !== 'echo') {
        throw new Error('unknown role ' + role);
      }
      pc.ondatachannel = e => {
        const dc = e.channel;
        watch(s, dc);
        dc.onmessage = m => {
          if (s.verifier) {
            s.verifier.onMessage(m.data);
            return;
          }
          try {
            dc.send(m.data);
            s.echoed++;
            s.maxBufferedAmount = Math.max(s.maxBufferedAmount, dc.bufferedAmount);
          } catch (err) {
            if (s.echoErrors.length < 10) {
              s.echoErrors.push(String(err));
            }
          }
        };
      };
      const t0 = now();
      await pc.setRemoteDescription({type: 'offer', sdp: offer});
      await pc.setLocalDescription();
      const sdp = await gathered(pc);
      const t1 = now();
      return {sdp: sdp, answerMs: t1 - t0, offerAppliedAt: t0, answeredAt: t1};
    },

    // What an echoing answerer did.
    echoReport(name) {
      const s = session(name);
      return {echoed: s.echoed, echoErrors: s.echoErrors, maxBufferedAmount: s.maxBufferedAmount,
              channel: s.dc ? s.dc.readyState : null, events: s.events};
    },

    // A verifying answerer's report once it has everything or nothing arrived for quietMs.
    async received(name, quietMs) {
      const s = session(name);
      const v = s.verifier;
      const st = {sent: 0, lastSentSeen: 0, lastSentAt: now(), error: null};
      const why = await settle(v, st, {quietMs: quietMs, stallMs: quietMs}, s.dc);
      return Object.assign(v.report(), {incomplete: why, channel: s.dc ? s.dc.readyState : null,
                                        events: s.events});
    },

    // Sends spec's plan on the session's channel without expecting anything back (the other side
    // verifies); resolves once the last message is queued.
    async send(name, spec) {
      const s = session(name);
      await opened(s, 20000);
      const st = {sent: 0, sentBytes: 0, pauses: 0, maxBufferedAmount: 0, firstSentAt: null, lastSentAt: null};
      await sendAll(s.dc, spec, planOf(spec), st);
      return st;
    },

    // The saturating echo: sends spec's plan (spec: kind, count/seed or total/size, high, low,
    // ordered, partial, stallMs, quietMs) and verifies every echo on the same channel.
    async run(name, spec) {
      const s = session(name);
      await opened(s, 20000);
      const plan = planOf(spec);
      const v = verifier(spec, plan);
      s.dc.onmessage = m => v.onMessage(m.data);
      const st = {sent: 0, sentBytes: 0, pauses: 0, maxBufferedAmount: 0, firstSentAt: null, lastSentAt: null,
                  lastSentSeen: 0, error: null, sentAt: v.sentAt};
      sendAll(s.dc, spec, plan, st).catch(e => st.error = String(e && e.message || e));
      const why = await settle(v, st, spec, s.dc);
      const r = v.report();
      r.stats = await transferStats(s.pc);
      const ms = r.lastReceivedAt === null ? null : r.lastReceivedAt - st.firstSentAt;
      return Object.assign(r, {sent: st.sent, sentBytes: st.sentBytes, pauses: st.pauses,
          maxBufferedAmount: st.maxBufferedAmount, senderError: st.error, incomplete: why,
          ms: ms, megabytesPerSecond: ms ? r.verifiedBytes / ms / 1000 : null,
          channel: s.dc.readyState, connection: s.pc.connectionState, events: s.events});
    },

    // Closes the connection; a session made by connectWhip also DELETEs its resource.
    async close(name) {
      const s = sessions.get(name);
      if (!s) {
        return false;
      }
      sessions.delete(name);
      s.pc.close();
      if (s.location) {
        const res = await fetch(s.location, {method: 'DELETE'});
        return res.status;
      }
      return true;
    }
  };
})();
