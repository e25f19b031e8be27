/**
 * Interactive Connectivity Establishment: the sans-IO {@link io.sluice.peer.ice.IceAgent} (RFC 8445
 * full ICE, one component, trickle per RFC 8838, consent freshness per RFC 7675), candidates and
 * their SDP form (RFC 8839 §5.1), and the events the agent reports. The I/O shell owns sockets,
 * timers and DNS (including mDNS); the agent gets datagrams and the time as inputs and returns
 * datagrams, events and its next deadline.
 */
package io.sluice.peer.ice;
