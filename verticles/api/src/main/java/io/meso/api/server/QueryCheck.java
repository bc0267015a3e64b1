package io.meso.api.server;

/**
 * Refuses a query string with a malformed percent-encoding ({@code path=%zz}) before any handler
 * reads it: Vert.x decodes the query lazily and throws from {@code getParam}, which a handler
 * would turn into a 500. Checked once for every HTTP request on the master's port, so that every
 * endpoint (the web UI's /files proxy, the operator API, ...) answers 400 naming the parameter.
 */
final class QueryCheck {

  private QueryCheck() {}

  /** Why the query is refused (naming the parameter and its raw value), or null when it decodes. */
  static String malformed(String query) {
    if (query == null || query.indexOf('%') < 0) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (!wellEncoded(name)) {
        return "query parameter name '" + name + "' is not valid percent-encoding: a '%' must be followed by two "
            + "hex digits (write a literal '%' as %25)";
      }
      if (!wellEncoded(value)) {
        String shown = decodedOrRaw(name);
        return "query parameter " + shown + " is '" + value + "', which is not valid percent-encoding: a '%' must "
            + "be followed by two hex digits (write a literal '%' as %25)";
      }
    }
    return null;
  }

  private static boolean wellEncoded(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String decodedOrRaw(String name) {
    try {
      return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }
}
