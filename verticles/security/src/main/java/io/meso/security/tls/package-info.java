/**
 * TLS for Meso from PEM files: the master's HTTP/gRPC port ({@link io.meso.security.tls.ServerTls},
 * HTTP/1.1 and HTTP/2 by ALPN), mutual TLS between nodes on the event bus
 * ({@link io.meso.security.tls.MutualTls}), and clients that verify the master
 * ({@link io.meso.security.tls.ClientTls}). Every file is read and checked when the options are
 * made, so a missing, unreadable or mismatched file is refused at start with a message naming the
 * file and what was expected, never at the first handshake.
 */
package io.meso.security.tls;
