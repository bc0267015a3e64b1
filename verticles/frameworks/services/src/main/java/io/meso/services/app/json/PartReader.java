package io.meso.services.app.json;

import io.meso.services.app.EnvValue;
import io.meso.services.app.FetchUri;
import io.meso.services.app.PathId;
import io.meso.services.app.PortDefinition;
import io.meso.services.app.UnreachableStrategy;
import io.meso.services.app.UpgradeStrategy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the smaller parts of an app: {@code env}, {@code portDefinitions}, {@code fetch},
 * {@code upgradeStrategy}, {@code unreachableStrategy} and {@code dependencies}, with the defaults
 * and per-part rules of Marathon's RAML types, {@code AppValidation.portDefinitionsValidator} and
 * {@code state/UnreachableStrategy.scala}.
 */
final class PartReader {

  private static final List<String> PORT_PROTOCOLS = List.of("tcp", "udp", "udp,tcp");

  private PartReader() {}

  /** {@code env}: each value a string or {@code {"secret": name}}, reported at {@code /env/NAME}. */
  static Map<String, EnvValue> env(JsonObject env, String path, List<Violation> out) {
    Map<String, EnvValue> result = new LinkedHashMap<>();
    if (env == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : env) {
      String at = Violation.child(path, e.getKey());
      if (e.getKey().isEmpty()) {
        out.add(new Violation(path, "env: got an empty variable name, expected a non-empty name"));
      } else if (e.getValue() instanceof String s) {
        result.put(e.getKey(), new EnvValue.Literal(s));
      } else if (e.getValue() instanceof JsonObject o && o.size() == 1
          && o.getValue("secret") instanceof String secret && !secret.isEmpty()) {
        result.put(e.getKey(), new EnvValue.SecretRef(secret));
      } else {
        out.add(new Violation(at, "env/" + e.getKey() + ": got " + Fields.describe(e.getValue())
            + ", expected a string or {\"secret\": \"<secret name>\"}"));
      }
    }
    return result;
  }

  /** {@code portDefinitions}; names and non-zero ports must be unique ({@code /portDefinitions}). */
  static List<PortDefinition> portDefinitions(JsonArray array, String path, List<Violation> out) {
    List<PortDefinition> result = Fields.each(array, path, "port definition", out, PartReader::portDefinition);
    Set<String> names = new HashSet<>();
    if (result.stream().map(PortDefinition::name).filter(n -> n != null).anyMatch(n -> !names.add(n))) {
      out.add(new Violation(path, "Port names must be unique."));
    }
    Set<Integer> ports = new HashSet<>();
    if (result.stream().map(PortDefinition::port).filter(p -> p != 0).anyMatch(p -> !ports.add(p))) {
      out.add(new Violation(path, "Ports must be unique."));
    }
    return result;
  }

  private static PortDefinition portDefinition(JsonObject o, String at, List<Violation> out) {
    Fields f = new Fields(o, at, out);
    int port = f.integer("port", 0, 0, 65535);
    String protocol = f.oneOf("protocol", PortDefinition.DEFAULT_PROTOCOL, PORT_PROTOCOLS);
    String name = f.string("name", null);
    if (name != null && !CheckReader.PORT_NAME.matcher(name).matches()) {
      f.bad("name", name, "a port name matching " + CheckReader.PORT_NAME.pattern());
    }
    return new PortDefinition(port, protocol, name, f.stringMap("labels"));
  }

  /** The deprecated {@code ports} ({@code [0, 8080]}) as port definitions without names. */
  static List<PortDefinition> legacyPorts(JsonArray array, String path, List<Violation> out) {
    List<PortDefinition> result = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Long port = Fields.integral(array.getValue(i));
      if (port == null || port < 0 || port > 65535) {
        out.add(new Violation(Violation.element(path, i), "ports(" + i + "): got "
            + Fields.describe(array.getValue(i)) + ", expected a port between 0 and 65535"));
      } else {
        if (port != 0 && !seen.add(port.intValue())) {
          out.add(new Violation("/", "ports must be unique"));
        }
        result.add(new PortDefinition(port.intValue(), PortDefinition.DEFAULT_PROTOCOL, null, Map.of()));
      }
    }
    return result;
  }

  /** {@code fetch}: each artifact needs a {@code uri} of valid syntax ({@code /fetch(i)/uri}). */
  static List<FetchUri> fetch(JsonArray array, String path, List<Violation> out) {
    return Fields.each(array, path, "artifact", out, (o, at, o2) -> {
      Fields f = new Fields(o, at, o2);
      String uri = f.string("uri", null);
      if (uri == null) {
        f.bad("uri", null, "the URI of the artifact to fetch");
      } else if (uri.isEmpty() || uri.length() > 1024) {
        f.bad("uri", uri, "a URI of 1 to 1024 characters");
      } else if (!validUri(uri)) {
        o2.add(new Violation(f.path("uri"), "URI has invalid syntax."));
      }
      boolean extract = f.bool("extract", true);
      boolean executable = f.bool("executable", false);
      boolean cache = f.bool("cache", false);
      String destPath = f.nonEmptyString("destPath", null);
      return new FetchUri(uri, extract, executable, cache, destPath);
    });
  }

  /** The deprecated {@code uris} as artifacts, extracted when they name an archive. */
  static List<FetchUri> legacyUris(List<String> uris, String path, List<Violation> out) {
    List<FetchUri> result = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      if (validUri(uris.get(i))) {
        result.add(FetchUri.fromLegacyUri(uris.get(i)));
      } else {
        out.add(new Violation(Violation.element(path, i), "URI has invalid syntax."));
      }
    }
    return result;
  }

  private static boolean validUri(String uri) {
    try {
      new URI(uri);
      return true;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code upgradeStrategy}: two fractions in [0, 1], each defaulting to 1. */
  static UpgradeStrategy upgradeStrategy(JsonObject o, String path, List<Violation> out) {
    if (o == null) {
      return UpgradeStrategy.DEFAULT;
    }
    Fields f = new Fields(o, path, out);
    return new UpgradeStrategy(
        f.number("minimumHealthCapacity", UpgradeStrategy.DEFAULT.minimumHealthCapacity(), 0, 1),
        f.number("maximumOverCapacity", UpgradeStrategy.DEFAULT.maximumOverCapacity(), 0, 1));
  }

  /** {@code unreachableStrategy}: {@code "disabled"} or delays with inactiveAfter ≤ expungeAfter. */
  static UnreachableStrategy unreachableStrategy(Object raw, String path, List<Violation> out) {
    if (raw == null) {
      return UnreachableStrategy.DEFAULT;
    }
    if ("disabled".equals(raw)) {
      return UnreachableStrategy.DISABLED;
    }
    if (!(raw instanceof JsonObject o)) {
      out.add(new Violation(path, "unreachableStrategy: got " + Fields.describe(raw)
          + ", expected \"disabled\" or {\"inactiveAfterSeconds\": n, \"expungeAfterSeconds\": m}"));
      return UnreachableStrategy.DEFAULT;
    }
    Fields f = new Fields(o, path, out);
    int before = out.size();
    long inactive = f.integer("inactiveAfterSeconds", 0, 0, Integer.MAX_VALUE);
    long expunge = f.integer("expungeAfterSeconds", 0, 0, Integer.MAX_VALUE);
    if (out.size() == before && inactive > expunge) {
      out.add(new Violation(f.path("inactiveAfterSeconds"), "inactiveAfterSeconds (" + inactive
          + ") must be less or equal to expungeAfterSeconds, which is " + expunge));
    }
    return UnreachableStrategy.enabled(inactive, expunge);
  }

  /** {@code dependencies}: app or group ids, relative ones taken from the app's group. */
  static List<PathId> dependencies(List<String> raw, PathId group, String path, List<Violation> out) {
    List<PathId> result = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      PathId dep = PathId.parse(raw.get(i)).canonical(group);
      List<String> problems = dep.violations();
      for (String p : problems) {
        out.add(new Violation(Violation.element(path, i), "'" + raw.get(i) + "' " + p));
      }
      if (problems.isEmpty() && !result.contains(dep)) {
        result.add(dep);
      }
    }
    return result;
  }
}
