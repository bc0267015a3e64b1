package io.meso.security.authn;

import java.net.InetAddress;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which names a request to the master's port may be addressed to (its Host, or HTTP/2
 * {@code :authority}) and which web origins may call it. A web page of a foreign site reaches a
 * port on the victim's machine by DNS rebinding (its name resolves to 127.0.0.1 a moment later),
 * but its requests still name the foreign site in Host; a page that merely posts cross-site
 * carries its own Origin. Both are refused. Always allowed: the host the port is bound to,
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}; when bound to every interface
 * ({@code 0.0.0.0} or {@code ::}) also any IP address literal (a rebinding page always uses a
 * name). More names come from {@code --allowed-hosts}. A request without Host (HTTP/1.0) or
 * without Origin (anything but a browser) passes this check.
 */
public final class HostCheck {

  /** A refusal: the status to answer and a message saying what to do. */
  public record Refusal(int status, String message) {}

  private final Set<String> allowed = new LinkedHashSet<>();
  private final boolean anyAddressLiteral;

  public HostCheck(String boundHost, Collection<String> allowedHosts) {
    allowed.add("localhost");
    allowed.add("127.0.0.1");
    allowed.add("::1");
    String bound = normalize(boundHost);
    anyAddressLiteral = bound.equals("0.0.0.0") || bound.equals("::") || bound.equals("0:0:0:0:0:0:0:0");
    allowed.add(bound);
    for (String name : allowedHosts) {
      String n = normalize(name);
      if (n.isEmpty() || n.contains("/") || n.contains(" ")) {
        throw new IllegalArgumentException("--allowed-hosts has '" + name + "'; expected host names or addresses "
            + "without scheme, port or path, comma separated");
      }
      allowed.add(n);
    }
  }

  public Set<String> allowedNames() {
    return Set.copyOf(allowed);
  }

  /**
   * Null when the request may go on, else why not. {@code host} is the Host/authority host
   * (without port; null when absent), {@code origin} the Origin header (null when absent).
   */
  public Refusal check(String host, String origin) {
    if (host != null && !host.isEmpty() && !allowedHost(normalize(host))) {
      return new Refusal(421, "Host '" + printable(host) + "' is not one this master answers to (a DNS rebinding "
          + "attempt, or a name to add with --allowed-hosts); allowed: " + String.join(", ", allowed) + "\n");
    }
    if (origin != null && !origin.isEmpty()) {
      String originHost = originHost(origin);
      if (originHost == null) {
        return new Refusal(403, "Origin '" + printable(origin) + "' is not an http(s) origin; refused\n");
      }
      boolean sameAsHost = host != null && normalize(host).equals(originHost);
      if (!sameAsHost && !allowed.contains(originHost)) {
        return new Refusal(403, "Origin '" + printable(origin) + "' is not allowed to call this master (add its host "
            + "with --allowed-hosts if it should); allowed: " + String.join(", ", allowed) + "\n");
      }
    }
    return null;
  }

  private boolean allowedHost(String host) {
    return allowed.contains(host) || (anyAddressLiteral && isAddressLiteral(host));
  }

  /** The host of an http(s) origin, normalized; null for anything else ("null", file:, ...). */
  static String originHost(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
          || uri.getRawUserInfo() != null) {
        return null;
      }
      return normalize(uri.getHost());
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("0:0:0:0:0:0:0:1")) {
      h = "::1";
    }
    return h;
  }

  private static boolean isAddressLiteral(String host) {
    if (host.contains(":")) {
      return host.matches("[0-9a-f:.]+");
    }
    if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
