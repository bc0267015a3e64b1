package io.meso.scheduler;

import io.meso.codecs.DefaultPorts;
import io.vertx.core.net.SocketAddress;

/** Parses the {@code HOST:PORT} a user gives for the master's API port. */
public final class MasterAddress {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = DefaultPorts.MASTER;
  public static final String DEFAULT = DEFAULT_HOST + ":" + DEFAULT_PORT;

  private MasterAddress() {}

  /**
   * {@code host:port}, {@code [v6]:port}, or a bare host (port {@value #DEFAULT_PORT}), each
   * optionally written as a URL ({@code http://host:port}, {@code https://host:port/}); whether the
   * master is reached over TLS is {@link #isHttps}'s to say.
   *
   * @throws IllegalArgumentException naming the value and the expected form
   */
  public static SocketAddress parse(String value) {
    String s = withoutScheme(value == null ? "" : value.trim());
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the master address is empty; expected HOST:PORT, e.g. " + DEFAULT);
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("master address '" + value + "' has no closing ']'; expected [V6ADDR]:PORT");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      port = rest.isEmpty() ? null : rest.startsWith(":") ? rest.substring(1) : "";
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        throw new IllegalArgumentException("master address '" + value + "' looks like an IPv6 address; write it as [V6ADDR]:PORT");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("master address '" + value + "' has no host; expected HOST:PORT, e.g. " + DEFAULT);
    }
    if (port == null) {
      return SocketAddress.inetSocketAddress(DEFAULT_PORT, host);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("master address '" + value + "' has port '" + port
          + "'; expected a number from 1 to 65535");
    }
    return SocketAddress.inetSocketAddress(p, host);
  }

  /**
   * A comma-separated list of masters ({@code m1:5050,m2:5050,m3:5050}), each as {@link #parse};
   * a client tries them in turn until one answers.
   *
   * @throws IllegalArgumentException naming the entry at fault
   */
  public static java.util.List<SocketAddress> parseList(String value) {
    String s = value == null ? "" : value.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the master address is empty; expected HOST:PORT[,HOST:PORT...], e.g. "
          + DEFAULT);
    }
    java.util.List<SocketAddress> addresses = new java.util.ArrayList<>();
    String[] entries = s.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      if (entries[i].isBlank()) {
        throw new IllegalArgumentException("master list '" + value + "' has an empty entry (number " + (i + 1)
            + "); expected HOST:PORT[,HOST:PORT...]");
      }
      SocketAddress address = parse(entries[i]);
      if (addresses.contains(address)) {
        throw new IllegalArgumentException("master list '" + value + "' names " + format(address) + " twice");
      }
      addresses.add(address);
    }
    return java.util.List.copyOf(addresses);
  }

  /**
   * Whether a master address (or list) is given as {@code https://}: the client then speaks TLS.
   *
   * @throws IllegalArgumentException when a list mixes {@code http://} and {@code https://}
   */
  public static boolean isHttps(String value) {
    boolean https = false;
    boolean http = false;
    for (String entry : (value == null ? "" : value).split(",")) {
      String e = entry.trim().toLowerCase(java.util.Locale.ROOT);
      https |= e.startsWith("https://");
      http |= e.startsWith("http://");
    }
    if (https && http) {
      throw new IllegalArgumentException("master list '" + value + "' mixes http:// and https://; every master "
          + "of a cluster serves the same way");
    }
    return https;
  }

  private static String withoutScheme(String s) {
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String rest = lower.startsWith("https://") ? s.substring(8) : lower.startsWith("http://") ? s.substring(7) : s;
    if (rest != s && rest.endsWith("/")) {
      rest = rest.replaceAll("/+$", "");
    }
    if (rest != s && rest.contains("/")) {
      throw new IllegalArgumentException("master address '" + s + "' has a path; expected HOST:PORT or "
          + "https://HOST:PORT");
    }
    return rest;
  }

  /** A list of masters as a user would type it. */
  public static String format(java.util.List<SocketAddress> addresses) {
    return String.join(",", addresses.stream().map(MasterAddress::format).toList());
  }

  /** {@code host:port} as a user would type it. */
  public static String format(SocketAddress address) {
    String host = address.host();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
  }
}
