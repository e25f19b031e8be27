// Page-side half of the Sluice interop harness (io.sluice.peer.interop.ChromiumBrowser).
// Peer connections are kept by name; every event is appended to that name's log, which the
// Java side polls with sluice.events(name, from). Async operations return promises that the Java
// side awaits through executeAsyncScript. Descriptions and candidates cross as plain JSON.
(function () {
  if (window.sluice && window.sluice.version) {
    return;
  }
  const peers = new Map();      // name -> {pc, channels: Map(label -> RTCDataChannel), log: []}
  let seq = 0;
  let candidateFilter = null;   // null, or a function(candidateLine) -> keep?
  let loopbackMode = false;

  function peer(name) {
    const p = peers.get(name);
    if (!p) {
      throw new Error('no peer connection named ' + name);
    }
    return p;
  }

  function record(p, type, fields) {
    p.log.push(Object.assign({seq: seq++, t: Math.round(performance.now()), type: type}, fields || {}));
  }

  function candidateAddress(line) {
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    const parts = String(line || '').replace(/^a=/, '').split(' ');
    return parts.length > 7 ? parts[4] : null;
  }

  function keepCandidate(line) {
    return candidateFilter === null || candidateFilter(line);
  }

  function filterSdp(sdp) {
    if (candidateFilter === null || !sdp) {
      return sdp;
    }
    return sdp.split('\r\n').filter(l => !l.startsWith('a=candidate:') || keepCandidate(l.substring(2))).join('\r\n');
  }

  function plainDescription(d) {
    return d ? {type: d.type, sdp: filterSdp(d.sdp)} : null;
  }

  function base64(buffer) {
    const bytes = new Uint8Array(buffer);
    let s = '';
    for (let i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return btoa(s);
  }

  function unbase64(text) {
    const s = atob(text);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      bytes[i] = s.charCodeAt(i);
    }
    return bytes;
  }

  function watchChannel(p, dc) {
    const label = dc.label;
    dc.binaryType = 'arraybuffer';
    p.channels.set(label, dc);
    dc.onopen = () => record(p, 'dc.open', {label: label, id: dc.id, protocol: dc.protocol});
    dc.onclose = () => record(p, 'dc.close', {label: label});
    dc.onclosing = () => record(p, 'dc.closing', {label: label});
    dc.onerror = e => record(p, 'dc.error', {label: label, error: String(e.error && e.error.message || e.error || e)});
    dc.onbufferedamountlow = () => record(p, 'dc.bufferedamountlow', {label: label});
    dc.onmessage = e => {
      if (typeof e.data === 'string') {
        record(p, 'dc.message', {label: label, binary: false, data: e.data, size: e.data.length});
      } else {
        record(p, 'dc.message', {label: label, binary: true, data: base64(e.data), size: e.data.byteLength});
      }
    };
  }

  const api = {
    version: 1,

    // Loopback mode (no namespace). Drops candidates whose address is not 127.0.0.1/::1 from
    // everything handed to Java and to other peers, and takes a fake capture permission, without
    // which Chromium offers only its default-route address and no loopback candidates at all.
    async loopbackOnly() {
      candidateFilter = line => {
        const a = candidateAddress(line);
        return a === '127.0.0.1' || a === '::1';
      };
      loopbackMode = true;
      if (window.isSecureContext && navigator.mediaDevices) {
        const stream = await navigator.mediaDevices.getUserMedia({audio: true});
        stream.getTracks().forEach(t => t.stop());
        return true;
      }
      return false;
    },

    // Candidate pairs whose local candidate is not loopback yet received responses.
    async offLoopbackAnswers(name) {
      const report = await peer(name).pc.getStats();
      const byId = new Map();
      report.forEach(s => byId.set(s.id, s));
      const found = [];
      report.forEach(s => {
        if (s.type !== 'candidate-pair') {
          return;
        }
        const local = byId.get(s.localCandidateId);
        const address = local && local.address;
        if (address && address !== '127.0.0.1' && address !== '::1' && (s.responsesReceived || 0) > 0) {
          found.push({pair: s.id, local: address, responsesReceived: s.responsesReceived});
        }
      });
      return found;
    },

    info() {
      return {href: location.href, origin: location.origin, isSecureContext: window.isSecureContext,
              userAgent: navigator.userAgent, hasRTCPeerConnection: typeof RTCPeerConnection === 'function'};
    },

    create(name, config) {
      if (peers.has(name)) {
        throw new Error('peer connection ' + name + ' exists');
      }
      const pc = new RTCPeerConnection(config || {});
      const p = {pc: pc, channels: new Map(), log: []};
      peers.set(name, p);
      pc.onicecandidate = e => {
        const c = e.candidate;
        if (c === null) {
          record(p, 'icecandidate', {candidate: null});
        } else if (keepCandidate(c.candidate)) {
          record(p, 'icecandidate', {candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex,
                                     address: candidateAddress(c.candidate), candidateType: c.type});
        }
      };
      pc.onicecandidateerror = e => record(p, 'icecandidateerror',
          {address: e.address, port: e.port, url: e.url, errorCode: e.errorCode, errorText: e.errorText});
      pc.onicegatheringstatechange = () => record(p, 'icegatheringstatechange', {state: pc.iceGatheringState});
      pc.oniceconnectionstatechange = () => record(p, 'iceconnectionstatechange', {state: pc.iceConnectionState});
      pc.onconnectionstatechange = () => record(p, 'connectionstatechange', {state: pc.connectionState});
      pc.onsignalingstatechange = () => record(p, 'signalingstatechange', {state: pc.signalingState});
      pc.onnegotiationneeded = () => record(p, 'negotiationneeded', {});
      pc.ondatachannel = e => {
        record(p, 'datachannel', {label: e.channel.label, id: e.channel.id, protocol: e.channel.protocol});
        watchChannel(p, e.channel);
      };
      return name;
    },

    async createOffer(name, options) {
      return plainDescription(await peer(name).pc.createOffer(options || {}));
    },

    async createAnswer(name, options) {
      return plainDescription(await peer(name).pc.createAnswer(options || {}));
    },

    // With no description: implicit createOffer/createAnswer. Returns the local description.
    async setLocalDescription(name, description) {
      const pc = peer(name).pc;
      await (description ? pc.setLocalDescription(description) : pc.setLocalDescription());
      return plainDescription(pc.localDescription);
    },

    async setRemoteDescription(name, description) {
      const pc = peer(name).pc;
      await pc.setRemoteDescription(description);
      return plainDescription(pc.remoteDescription);
    },

    // candidate: an RTCIceCandidateInit ({candidate, sdpMid, sdpMLineIndex}), or null for end-of-candidates.
    async addIceCandidate(name, candidate) {
      await peer(name).pc.addIceCandidate(candidate === null ? undefined : candidate);
      return true;
    },

    // Resolves when gathering is complete; returns the local description with all candidates.
    async gathered(name) {
      const pc = peer(name).pc;
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
      return plainDescription(pc.localDescription);
    },

    localDescription(name) {
      return plainDescription(peer(name).pc.localDescription);
    },

    createDataChannel(name, label, init) {
      const p = peer(name);
      watchChannel(p, p.pc.createDataChannel(label, init || {}));
      return label;
    },

    // data: a string, or {base64: '...'} for binary. Resolves once handed to the channel.
    async send(name, label, data) {
      const dc = peer(name).channels.get(label);
      if (!dc) {
        throw new Error('no data channel ' + label + ' on ' + name);
      }
      dc.send(data !== null && typeof data === 'object' && 'base64' in data ? unbase64(data.base64) : data);
      return dc.bufferedAmount;
    },

    closeChannel(name, label) {
      const dc = peer(name).channels.get(label);
      if (!dc) {
        throw new Error('no data channel ' + label + ' on ' + name);
      }
      dc.close();
      return dc.readyState;
    },

    setBufferedAmountLowThreshold(name, label, value) {
      const dc = peer(name).channels.get(label);
      if (!dc) {
        throw new Error('no data channel ' + label + ' on ' + name);
      }
      dc.bufferedAmountLowThreshold = value;
      return value;
    },

    // Sends count messages of size bytes as fast as the channel takes them (no pacing), to fill
    // the send buffer; resolves with the bufferedAmount right after.
    async burst(name, label, size, count) {
      const dc = peer(name).channels.get(label);
      const payload = new Uint8Array(size);
      for (let i = 0; i < count; i++) {
        dc.send(payload);
      }
      return dc.bufferedAmount;
    },

    channelState(name, label) {
      const dc = peer(name).channels.get(label);
      return dc ? {readyState: dc.readyState, bufferedAmount: dc.bufferedAmount, id: dc.id} : null;
    },

    state(name) {
      const pc = peer(name).pc;
      return {signalingState: pc.signalingState, iceGatheringState: pc.iceGatheringState,
              iceConnectionState: pc.iceConnectionState, connectionState: pc.connectionState};
    },

    // Every stats object, as an array.
    async getStats(name) {
      const report = await peer(name).pc.getStats();
      const all = [];
      report.forEach(s => all.push(s));
      return all;
    },

    // The transport, its selected candidate pair and that pair's local and remote candidates.
    async stats(name) {
      const report = await peer(name).pc.getStats();
      const byId = new Map();
      report.forEach(s => byId.set(s.id, s));
      let transport = null;
      report.forEach(s => {
        if (s.type === 'transport' && transport === null) {
          transport = s;
        }
      });
      let pair = transport && transport.selectedCandidatePairId ? byId.get(transport.selectedCandidatePairId) : null;
      if (!pair) {
        report.forEach(s => {
          if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && !pair) {
            pair = s;
          }
        });
      }
      const pick = (s, keys) => {
        if (!s) {
          return null;
        }
        const o = {};
        keys.forEach(k => {
          if (s[k] !== undefined) {
            o[k] = s[k];
          }
        });
        return o;
      };
      const candidateKeys = ['id', 'address', 'port', 'protocol', 'candidateType', 'priority', 'networkType'];
      return {
        transport: pick(transport, ['id', 'dtlsState', 'iceState', 'iceRole', 'selectedCandidatePairId',
                                    'dtlsCipher', 'srtpCipher', 'tlsVersion', 'bytesSent', 'bytesReceived',
                                    'packetsSent', 'packetsReceived', 'selectedCandidatePairChanges']),
        pair: pick(pair, ['id', 'state', 'nominated', 'bytesSent', 'bytesReceived', 'currentRoundTripTime',
                          'requestsSent', 'responsesReceived', 'consentRequestsSent']),
        local: pick(pair && byId.get(pair.localCandidateId), candidateKeys),
        remote: pick(pair && byId.get(pair.remoteCandidateId), candidateKeys)
      };
    },

    events(name, from) {
      return peer(name).log.slice(from || 0);
    },

    names() {
      return Array.from(peers.keys());
    },

    close(name) {
      const p = peers.get(name);
      if (p) {
        p.pc.close();
        record(p, 'closed', {});
      }
      return true;
    },

    // Offer/answer between two peers of this page, with trickled candidates in both directions.
    async connect(offerer, answerer) {
      if (loopbackMode) {
        // Chromium's sockets on real interfaces would send checks to 127.0.0.1 too, and the
        // other in-page peer would answer to their (real) source address.
        throw new Error('connect() between in-page peers needs a namespace; on loopback, connect to our stack only');
      }
      const pipe = (fromName, toName) => {
        const to = peer(toName).pc;
        const pending = [];
        const deliver = c => to.addIceCandidate(c || undefined)
            .catch(err => record(peer(toName), 'error', {error: String(err)}));
        peer(fromName).pc.addEventListener('icecandidate', e => {
          if (e.candidate !== null && !keepCandidate(e.candidate.candidate)) {
            return;
          }
          // Candidates may come before the other side has a remote description: hold them.
          if (to.remoteDescription) {
            deliver(e.candidate);
          } else {
            pending.push(e.candidate);
          }
        });
        return () => pending.splice(0).forEach(deliver);
      };
      const flushToB = pipe(offerer, answerer);
      const flushToA = pipe(answerer, offerer);
      const a = peer(offerer).pc;
      const b = peer(answerer).pc;
      await a.setLocalDescription();
      await b.setRemoteDescription(plainDescription(a.localDescription));
      flushToB();
      await b.setLocalDescription();
      await a.setRemoteDescription(plainDescription(b.localDescription));
      flushToA();
      return true;
    },

    async fetchText(url) {
      const r = await fetch(url, {cache: 'no-store'});
      return {status: r.status, text: await r.text()};
    }
  };

  window.sluice = api;
})();
