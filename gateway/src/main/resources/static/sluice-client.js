// A browser peer of a Sluice gateway, using only its REST API (/v1/peers): creates a server-side
// peer, offers data channels, trickles candidates both ways and resolves once every channel is open.
//   const s = await Sluice.connect({labels: ['chat'], create: {metadata: {...}, bridges: [...]}, onMessage, log});
//   s.peerId, s.pc, s.channels[label]
window.Sluice = (function () {
  const json = async r => { if (!r.ok) { throw new Error(r.status + ' ' + await r.text()); } return r.status === 204 ? null : r.json(); };
  const api = (method, path, body) => fetch(path, {method, headers: body === undefined ? {} : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body)}).then(json);

  async function connect(options) {
    const o = Object.assign({labels: ['chat'], create: {}, log: () => {}, onMessage: () => {}, onState: () => {}}, options);
    const pc = new RTCPeerConnection();
    const channels = {};
    const opened = o.labels.map(label => {
      const ch = pc.createDataChannel(label);
      ch.binaryType = 'arraybuffer';
      channels[label] = ch;
      ch.onmessage = e => o.onMessage(label, e.data);
      ch.onclose = () => o.log('channel ' + label + ' closed');
      return new Promise((resolve, reject) => {
        ch.onopen = () => { o.log('channel ' + label + ' open'); resolve(); };
        setTimeout(() => reject(new Error('channel ' + label + ' did not open')), 15000);
      });
    });
    pc.onconnectionstatechange = () => o.onState(pc.connectionState);
    const peer = await api('POST', '/v1/peers', o.create);
    o.log('server-side peer ' + peer.id);
    // Candidates wait until the server has our offer.
    const held = [];
    let remoteSet = false;
    const sendCandidate = c => api('POST', '/v1/peers/' + peer.id + '/candidates', c);
    pc.onicecandidate = e => {
      const c = e.candidate ? e.candidate.toJSON() : {candidate: ''};
      if (remoteSet) { sendCandidate(c); } else { held.push(c); }
    };
    await pc.setLocalDescription();
    await api('PUT', '/v1/peers/' + peer.id + '/remote-description', pc.localDescription.toJSON());
    remoteSet = true;
    for (const c of held) { await sendCandidate(c); }
    const answer = await api('PUT', '/v1/peers/' + peer.id + '/local-description');
    await pc.setRemoteDescription(answer);
    // The server's candidates, polled until its gathering is complete.
    let added = 0;
    for (let i = 0; i < 200; i++) {
      const got = await api('GET', '/v1/peers/' + peer.id + '/candidates');
      for (; added < got.candidates.length; added++) {
        await pc.addIceCandidate(got.candidates[added]);
      }
      if (got.iceGatheringState === 'complete') { break; }
      await new Promise(r => setTimeout(r, 50));
    }
    await Promise.all(opened);
    return {peerId: peer.id, pc, channels};
  }

  return {connect, api};
})();
