package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.FetchUri;
import io.meso.services.app.HealthCheck;
import io.meso.services.app.KillSelection;
import io.meso.services.app.PathId;
import io.meso.services.app.PortDefinition;
import io.meso.services.app.VersionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the fields of one app JSON object: types, ranges and Marathon's defaults (docs
 * types/app.raml), the deprecated {@code ports} and {@code uris} migrated to {@code portDefinitions}
 * and {@code fetch} (Marathon's {@code AppNormalization.forDeprecated}), every problem recorded as a
 * {@link Violation}. Fields it does not know, and read-only ones a client echoes back
 * ({@code tasksRunning}, {@code deployments}, ...), are ignored as Marathon ignores them.
 */
final class AppReader {

  static final String ROOT = "/";
  private static final PathId PLACEHOLDER = PathId.absolute("/invalid-id");
  private static final Pattern EXECUTOR = Pattern.compile("^(//cmd|/?[^/]+(/[^/]+)*|)$");
  private static final List<String> NETWORK_MODES = List.of("container", "container/bridge", "host");

  private AppReader() {}

  /** The app in {@code json}; meaningful only if no violation was added to {@code out}. */
  static App read(JsonObject json, List<Violation> out) {
    Fields f = new Fields(json, ROOT, out);
    PathId id = id(f, out);
    App.Builder b = App.builder(id);

    String cmd = f.nonEmptyString("cmd", null);
    List<String> args = f.strings("args");
    b.cmd(cmd).args(args == null ? List.of() : args).user(f.string("user", null));
    b.env(PartReader.env(f.object("env"), f.path("env"), out));

    b.instances(f.integer("instances", App.DEFAULT_INSTANCES, 0, Integer.MAX_VALUE));
    b.cpus(f.number("cpus", App.DEFAULT_CPUS, 0.001, Double.MAX_VALUE));
    b.mem(f.number("mem", App.DEFAULT_MEM, 0, Double.MAX_VALUE));
    b.disk(f.number("disk", App.DEFAULT_DISK, 0, Double.MAX_VALUE));
    b.gpus(f.integer("gpus", App.DEFAULT_GPUS, 0, Integer.MAX_VALUE));

    String executor = f.string("executor", App.DEFAULT_EXECUTOR);
    if (!EXECUTOR.matcher(executor).matches()) {
      f.bad("executor", executor, "\"\", \"//cmd\" or an executor path such as /opt/my-executor");
      executor = App.DEFAULT_EXECUTOR;
    }
    b.executor(executor);
    b.constraints(ConstraintReader.read(f.array("constraints"), f.path("constraints"), out));
    b.fetch(fetch(f, out));

    JsonArray networks = networks(f, out);
    b.networks(networks);
    b.portDefinitions(portDefinitions(f, networks, out));
    // requirePorts only means something with host networking (AppNormalization.forPostValidation).
    boolean requirePorts = f.bool("requirePorts", false);
    b.requirePorts(requirePorts && App.hostNetworking(networks));

    b.backoffSeconds(f.integer("backoffSeconds", App.DEFAULT_BACKOFF_SECONDS, 0, Integer.MAX_VALUE));
    b.backoffFactor(f.number("backoffFactor", App.DEFAULT_BACKOFF_FACTOR, 1.0, Double.MAX_VALUE));
    b.maxLaunchDelaySeconds(f.integer("maxLaunchDelaySeconds", App.DEFAULT_MAX_LAUNCH_DELAY_SECONDS, 0, Integer.MAX_VALUE));
    b.container(container(f, out));
    b.healthChecks(CheckReader.healthChecks(f.array("healthChecks"), f.path("healthChecks"), out));
    b.readinessChecks(CheckReader.readinessChecks(f.array("readinessChecks"), f.path("readinessChecks"), out));
    List<String> deps = f.strings("dependencies");
    b.dependencies(deps == null ? List.of()
        : PartReader.dependencies(deps, id.parent(), f.path("dependencies"), out));
    b.upgradeStrategy(PartReader.upgradeStrategy(f.object("upgradeStrategy"), f.path("upgradeStrategy"), out));
    b.labels(f.stringMap("labels"));
    b.taskKillGracePeriodSeconds(f.integer("taskKillGracePeriodSeconds", null, 0, Integer.MAX_VALUE));
    b.unreachableStrategy(PartReader.unreachableStrategy(json.getValue("unreachableStrategy"),
        f.path("unreachableStrategy"), out));
    b.killSelection(f.enumValue("killSelection", KillSelection.class, KillSelection.YOUNGEST_FIRST));
    b.autoscale(AutoscaleReader.read(f.object(AutoscaleReader.FIELD), f.path(AutoscaleReader.FIELD), out));

    b.version(f.timestamp("version", null));
    JsonObject vi = f.object("versionInfo");
    if (vi != null) {
      Fields v = new Fields(vi, f.path("versionInfo"), out);
      Instant scaled = v.timestamp("lastScalingAt", null);
      Instant configured = v.timestamp("lastConfigChangeAt", null);
      if (scaled != null && configured != null) {
        b.versionInfo(new VersionInfo(scaled, configured));
      }
    }
    return withDefaultPortIndex(b.build());
  }

  /**
   * Port checks that name neither a port nor a port index probe the first port, as in Marathon's
   * {@code AppNormalization.normalizeHealthChecks}; made explicit when the app has ports.
   */
  private static App withDefaultPortIndex(App app) {
    boolean hasPorts = !app.portDefinitions().isEmpty() || AppRules.portMappings(app) != null;
    if (!hasPorts) {
      return app;
    }
    List<HealthCheck> checks = app.healthChecks().stream()
        .map(hc -> !hc.protocol().usesPort() || hc.port() != null || hc.portIndex() != null ? hc
            : new HealthCheck(hc.protocol(), hc.command(), hc.path(), 0, null, hc.ignoreHttp1xx(),
                hc.gracePeriodSeconds(), hc.intervalSeconds(), hc.timeoutSeconds(),
                hc.maxConsecutiveFailures(), hc.delaySeconds(), hc.ipProtocol()))
        .toList();
    return app.toBuilder().healthChecks(checks).build();
  }

  /**
   * The absolute id; problems go to {@code /id} (and {@code /} for the root, as in Marathon). A
   * missing or root id is replaced by a placeholder so that the other fields can still be read and
   * reported; the result is then discarded because a violation was recorded.
   */
  private static PathId id(Fields f, List<Violation> out) {
    String raw = f.string("id", null);
    if (raw == null) {
      if (!f.has("id")) {
        f.bad("id", null, "the app's id, such as /group/app");
      }
      return PLACEHOLDER;
    }
    PathId id = PathId.absolute(raw);
    for (String problem : id.violations()) {
      out.add(new Violation(f.path("id"), "'" + raw + "' " + problem));
    }
    if (id.isRoot()) {
      out.add(new Violation(ROOT, "must not be root"));
    }
    return id.isRoot() ? PLACEHOLDER : id;
  }

  /** {@code fetch}, or the deprecated {@code uris} migrated to it; both at once is an error. */
  private static List<FetchUri> fetch(Fields f, List<Violation> out) {
    List<FetchUri> fetch = PartReader.fetch(f.array("fetch"), f.path("fetch"), out);
    List<String> uris = f.strings("uris");
    if (uris == null || uris.isEmpty()) {
      return fetch;
    }
    if (!fetch.isEmpty()) {
      out.add(new Violation(f.path("uris"), "may not be set in conjunction with fetch"));
      return fetch;
    }
    return PartReader.legacyUris(uris, f.path("uris"), out);
  }

  /**
   * {@code portDefinitions}, or the deprecated {@code ports} migrated to it; with no ports at all
   * and host networking, Marathon's one default port. With other networks they are dropped, as
   * Marathon drops them.
   */
  private static List<PortDefinition> portDefinitions(Fields f, JsonArray networks, List<Violation> out) {
    boolean host = App.hostNetworking(networks);
    JsonArray given = f.array("portDefinitions");
    JsonArray legacy = f.array("ports");
    List<PortDefinition> defs = PartReader.portDefinitions(given, f.path("portDefinitions"), out);
    if (legacy != null) {
      List<PortDefinition> fromPorts = PartReader.legacyPorts(legacy, f.path("ports"), out);
      if (given != null && !defs.stream().map(PortDefinition::port).toList()
          .equals(fromPorts.stream().map(PortDefinition::port).toList())) {
        out.add(new Violation(ROOT, "cannot specify both ports and port definitions"));
      }
      if (given == null) {
        defs = fromPorts;
        given = legacy;
      }
    }
    if (!host) {
      // Marathon's AppNormalization.applyDefaultPortDefinitions drops them before validation.
      return List.of();
    }
    return given == null ? List.of(PortDefinition.DEFAULT) : defs;
  }

  /** {@code networks}, kept as given; each an object whose {@code mode} Marathon knows. */
  private static JsonArray networks(Fields f, List<Violation> out) {
    JsonArray networks = f.array("networks");
    if (networks == null || networks.isEmpty()) {
      return App.defaultNetworks();
    }
    for (int i = 0; i < networks.size(); i++) {
      String at = Violation.element(f.path("networks"), i);
      if (networks.getValue(i) instanceof JsonObject n) {
        new Fields(n, at, out).oneOf("mode", "container", NETWORK_MODES);
      } else {
        out.add(new Violation(at, "network: got " + Fields.describe(networks.getValue(i)) + ", expected an object"));
      }
    }
    return networks;
  }

  /**
   * {@code container}, kept as given after the checks Marathon makes on every container: a known
   * {@code type} (default DOCKER) and, for DOCKER, a {@code docker} object with a non-empty image.
   */
  private static JsonObject container(Fields f, List<Violation> out) {
    JsonObject c = f.object("container");
    if (c == null) {
      return null;
    }
    Fields cf = new Fields(c, f.path("container"), out);
    String type = cf.oneOf("type", "DOCKER", List.of("DOCKER", "MESOS"));
    JsonObject docker = cf.object("docker");
    if (type.equals("DOCKER") && docker == null && !cf.has("docker")) {
      out.add(new Violation(cf.path("docker"), "docker: not defined, expected {\"image\": ...} for a DOCKER container"));
    }
    if (docker != null) {
      Fields df = new Fields(docker, cf.path("docker"), out);
      String image = df.string("image", null);
      if (image == null || image.isEmpty()) {
        out.add(new Violation(df.path("image"), "image: got " + Fields.describe(image) + ", expected a non-empty image name"));
      }
    }
    return c;
  }
}
