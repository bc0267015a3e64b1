/**
 * Who may come in and what they may do, for every door and node of Meso: authentication of
 * frameworks, operators and the UI ({@code io.meso.security.authn}), Mesos-style ACLs
 * ({@code io.meso.security.acl}), TLS options for the HTTP/gRPC port, the event bus and the
 * clients ({@code io.meso.security.tls}), and the cluster secret that agents prove and registry
 * values carry ({@code io.meso.security.cluster}). It depends only on codecs, so every module
 * may use it.
 */
package io.meso.security;
