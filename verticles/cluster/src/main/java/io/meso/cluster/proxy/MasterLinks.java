package io.meso.cluster.proxy;

import io.meso.security.tls.ClientTls;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How the masters of a node's Vert.x reach each other's HTTP port: cleartext, or TLS verifying
 * the other master's certificate with a {@link ClientTls}. Set once by the node before it mounts
 * its APIs ({@code --tls-cert} on a master: every master serves TLS, so standbys forward to the
 * leader over TLS and name it with {@code https://}); read by {@link LeaderForwarder} and by the
 * APIs that name the leader. Kept per Vert.x instance, so several masters in one JVM (tests) each
 * have their own, without threading it through every framework's constructors.
 */
public final class MasterLinks {

  private static final Map<Vertx, ClientTls> TLS = Collections.synchronizedMap(new WeakHashMap<>());

  private MasterLinks() {}

  /** Masters on {@code vertx} talk TLS to each other with this trust; null: cleartext. */
  public static void useTls(Vertx vertx, ClientTls tls) {
    if (tls == null) {
      TLS.remove(vertx);
    } else {
      TLS.put(vertx, tls);
    }
  }

  /** The trust masters on {@code vertx} use to reach each other, or null for cleartext. */
  public static ClientTls tls(Vertx vertx) {
    return TLS.get(vertx);
  }

  /** {@code https} when masters on {@code vertx} serve TLS, else {@code http}. */
  public static String scheme(Vertx vertx) {
    return tls(vertx) == null ? "http" : "https";
  }
}
