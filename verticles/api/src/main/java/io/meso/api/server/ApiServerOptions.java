package io.meso.api.server;

import io.meso.codecs.DefaultPorts;
import io.meso.security.authn.Authenticator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where the master's one HTTP port listens. Port 0 picks a free port; read the bound one from
 * {@link ApiServerVerticle#actualPort()} once the verticle is deployed.
 */
public class ApiServerOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = DefaultPorts.MASTER;
  /** How long a call forwarded to the master may take before the caller gets UNAVAILABLE. */
  public static final long DEFAULT_MASTER_TIMEOUT_MILLIS = 30_000;

  /**
   * A connection on which nothing was read or written for this long is closed: a client that
   * opens a connection and never finishes its request's headers (slowloris) is let go. Event
   * streams stay open as long as they carry something more often: scheduler and operator
   * SUBSCRIBE streams and the web UI's server-sent events carry a heartbeat every 15 s (the
   * master's heartbeat interval; {@code Nodes} raises this timeout to twice that interval when it
   * is set longer).
   */
  public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 30_000;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private long masterTimeoutMillis = DEFAULT_MASTER_TIMEOUT_MILLIS;
  private long idleTimeoutMillis = DEFAULT_IDLE_TIMEOUT_MILLIS;
  /** The port's certificate and key; null serves cleartext (HTTP/1.1 and h2c). */
  private io.meso.security.tls.ServerTls tls;
  /** Null: authentication off (every caller is served, as no principal). */
  private Authenticator authenticator;
  /** Host/Origin names allowed besides the bound host and the loopback names. */
  private List<String> allowedHosts = List.of();
  /** The master's ACLs, for the doors that filter streams themselves (operator SUBSCRIBE, the UI's events). */
  private io.meso.security.acl.Acls acls = io.meso.security.acl.Acls.allowAll();

  public ApiServerOptions() {}

  public ApiServerOptions(ApiServerOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.masterTimeoutMillis = other.masterTimeoutMillis;
    this.idleTimeoutMillis = other.idleTimeoutMillis;
    this.tls = other.tls;
    this.authenticator = other.authenticator;
    this.allowedHosts = other.allowedHosts;
    this.acls = other.acls;
  }

  public ApiServerOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setMasterTimeoutMillis(json.getLong("masterTimeoutMillis", DEFAULT_MASTER_TIMEOUT_MILLIS));
    setIdleTimeoutMillis(json.getLong("idleTimeoutMillis", DEFAULT_IDLE_TIMEOUT_MILLIS));
    String cert = json.getString("tlsCert");
    String key = json.getString("tlsKey");
    if (cert != null || key != null) {
      setTls(io.meso.security.tls.ServerTls.load(cert == null ? null : java.nio.file.Path.of(cert),
          key == null ? null : java.nio.file.Path.of(key)));
    }
    JsonArray hosts = json.getJsonArray("allowedHosts");
    if (hosts != null) {
      setAllowedHosts(hosts.stream().map(String::valueOf).toList());
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("masterTimeoutMillis", masterTimeoutMillis)
        .put("idleTimeoutMillis", idleTimeoutMillis).put("allowedHosts", new JsonArray(allowedHosts))
        .put("authentication", authenticator != null);
    if (tls != null) {
      json.put("tlsCert", tls.certFile().toString()).put("tlsKey", tls.keyFile().toString());
    }
    return json;
  }

  /** The port's certificate and key (see {@link io.meso.security.tls.ServerTls}), or null for cleartext. */
  public io.meso.security.tls.ServerTls getTls() {
    return tls;
  }

  /**
   * Serves TLS with this certificate and key (HTTP/2, which gRPC needs, and HTTP/1.1, chosen by
   * ALPN); null serves cleartext.
   */
  public ApiServerOptions setTls(io.meso.security.tls.ServerTls tls) {
    this.tls = tls;
    return this;
  }

  /** {@code https} with TLS, else {@code http}: how this port's URLs begin. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  public String getHost() {
    return host;
  }

  public ApiServerOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be a host name or address, got '" + host + "'");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** 0 picks a free port. */
  public ApiServerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
    }
    this.port = port;
    return this;
  }

  public long getMasterTimeoutMillis() {
    return masterTimeoutMillis;
  }

  public ApiServerOptions setMasterTimeoutMillis(long masterTimeoutMillis) {
    if (masterTimeoutMillis <= 0) {
      throw new IllegalArgumentException("masterTimeoutMillis must be positive, got " + masterTimeoutMillis);
    }
    this.masterTimeoutMillis = masterTimeoutMillis;
    return this;
  }

  public long getIdleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  public ApiServerOptions setIdleTimeoutMillis(long idleTimeoutMillis) {
    if (idleTimeoutMillis <= 0) {
      throw new IllegalArgumentException("idleTimeoutMillis must be positive, got " + idleTimeoutMillis);
    }
    this.idleTimeoutMillis = idleTimeoutMillis;
    return this;
  }

  /** Who checks callers' credentials on every door; null (the default) turns authentication off. Not in the JSON form. */
  public Authenticator getAuthenticator() {
    return authenticator;
  }

  public ApiServerOptions setAuthenticator(Authenticator authenticator) {
    this.authenticator = authenticator;
    return this;
  }

  /** The ACLs the event streams filter each event by (view_frameworks, view_tasks, view_agents). Not in the JSON form. */
  public io.meso.security.acl.Acls getAcls() {
    return acls;
  }

  /** The master's ACLs (the same as {@code MasterOptions#setAcls}); null means everything allowed. */
  public ApiServerOptions setAcls(io.meso.security.acl.Acls acls) {
    this.acls = acls == null ? io.meso.security.acl.Acls.allowAll() : acls;
    return this;
  }

  public List<String> getAllowedHosts() {
    return allowedHosts;
  }

  /**
   * Names (host names or addresses, no port) a request's Host and Origin may carry besides the
   * bound host, localhost, 127.0.0.1 and ::1; anything else is refused (DNS rebinding).
   */
  public ApiServerOptions setAllowedHosts(List<String> allowedHosts) {
    this.allowedHosts = List.copyOf(allowedHosts);
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
