/** RFC 7983 demultiplexing of the datagrams that share an ICE transport, by first byte. */
package io.sluice.peer.mux;
