package io.meso.services.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app definition: what to run ({@code cmd} or {@code args}, optionally in a {@code container}),
 * how many ({@code instances}), with which resources, where ({@code constraints}) and how to roll it
 * out and watch it. Immutable; the fields and defaults are Marathon's (docs types/app.raml), with
 * the 1.8+ default {@code maxLaunchDelaySeconds} of 300.
 *
 * <p>{@code container} and {@code networks} are kept as the JSON given (copied in and out).
 * {@code autoscale} is null for an app that is not scaled by load ({@link AutoscalePolicy}).
 * {@code version} is null until the app is stored; {@code versionInfo} is null for an app that has
 * only a version (as Marathon renders a freshly posted app).
 */
public record App(
    PathId id,
    String cmd,
    List<String> args,
    String user,
    Map<String, EnvValue> env,
    int instances,
    double cpus,
    double mem,
    double disk,
    int gpus,
    String executor,
    List<Constraint> constraints,
    List<FetchUri> fetch,
    List<PortDefinition> portDefinitions,
    boolean requirePorts,
    int backoffSeconds,
    double backoffFactor,
    int maxLaunchDelaySeconds,
    JsonObject container,
    List<HealthCheck> healthChecks,
    List<ReadinessCheck> readinessChecks,
    List<PathId> dependencies,
    UpgradeStrategy upgradeStrategy,
    Map<String, String> labels,
    JsonArray networks,
    Integer taskKillGracePeriodSeconds,
    UnreachableStrategy unreachableStrategy,
    KillSelection killSelection,
    AutoscalePolicy autoscale,
    Instant version,
    VersionInfo versionInfo) {

  public static final double DEFAULT_CPUS = 1.0;
  public static final double DEFAULT_MEM = 128.0;
  public static final double DEFAULT_DISK = 0.0;
  public static final int DEFAULT_GPUS = 0;
  public static final int DEFAULT_INSTANCES = 1;
  public static final String DEFAULT_EXECUTOR = "";
  public static final int DEFAULT_BACKOFF_SECONDS = 1;
  public static final double DEFAULT_BACKOFF_FACTOR = 1.15;
  public static final int DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 300;
  private static final JsonArray DEFAULT_NETWORKS = new JsonArray().add(new JsonObject().put("mode", "host"));

  public App {
    if (id == null || !id.isAbsolute()) {
      throw new IllegalArgumentException("an app needs an absolute id, got " + id);
    }
    args = List.copyOf(args);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    constraints = List.copyOf(constraints);
    fetch = List.copyOf(fetch);
    portDefinitions = List.copyOf(portDefinitions);
    container = container == null ? null : container.copy();
    healthChecks = List.copyOf(healthChecks);
    readinessChecks = List.copyOf(readinessChecks);
    dependencies = List.copyOf(dependencies);
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    networks = networks.copy();
  }

  /** Host networking ({@code [{"mode":"host"}]}), Marathon's default when an app names no networks. */
  public static JsonArray defaultNetworks() {
    return DEFAULT_NETWORKS.copy();
  }

  /** A builder with Marathon's defaults for an app called {@code id}. */
  public static Builder builder(PathId id) {
    return new Builder(id);
  }

  /** A builder holding this app's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy of the container JSON, or null. */
  @Override
  public JsonObject container() {
    return container == null ? null : container.copy();
  }

  /** A copy of the networks JSON. */
  @Override
  public JsonArray networks() {
    return networks.copy();
  }

  /** True if every network is host networking (then {@code portDefinitions} apply). */
  public boolean hostNetworking() {
    return hostNetworking(networks);
  }

  /** True if every network of {@code networks} is host networking (a network's mode defaults to container). */
  public static boolean hostNetworking(JsonArray networks) {
    for (Object n : networks) {
      if (!(n instanceof JsonObject o) || !"host".equals(o.getString("mode", "container"))) {
        return false;
      }
    }
    return true;
  }

  /** This app scaled to {@code instances}. */
  public App withInstances(int instances) {
    return toBuilder().instances(instances).build();
  }

  /** This app stamped with a version and version info. */
  public App withVersion(Instant version, VersionInfo versionInfo) {
    return toBuilder().version(version).versionInfo(versionInfo).build();
  }

  /** Collects an app's fields; starts from Marathon's defaults. */
  public static final class Builder {
    private PathId id;
    private String cmd;
    private List<String> args = List.of();
    private String user;
    private Map<String, EnvValue> env = Map.of();
    private int instances = DEFAULT_INSTANCES;
    private double cpus = DEFAULT_CPUS;
    private double mem = DEFAULT_MEM;
    private double disk = DEFAULT_DISK;
    private int gpus = DEFAULT_GPUS;
    private String executor = DEFAULT_EXECUTOR;
    private List<Constraint> constraints = List.of();
    private List<FetchUri> fetch = List.of();
    private List<PortDefinition> portDefinitions = List.of(PortDefinition.DEFAULT);
    private boolean requirePorts;
    private int backoffSeconds = DEFAULT_BACKOFF_SECONDS;
    private double backoffFactor = DEFAULT_BACKOFF_FACTOR;
    private int maxLaunchDelaySeconds = DEFAULT_MAX_LAUNCH_DELAY_SECONDS;
    private JsonObject container;
    private List<HealthCheck> healthChecks = List.of();
    private List<ReadinessCheck> readinessChecks = List.of();
    private List<PathId> dependencies = List.of();
    private UpgradeStrategy upgradeStrategy = UpgradeStrategy.DEFAULT;
    private Map<String, String> labels = Map.of();
    private JsonArray networks = DEFAULT_NETWORKS;
    private Integer taskKillGracePeriodSeconds;
    private UnreachableStrategy unreachableStrategy = UnreachableStrategy.DEFAULT;
    private KillSelection killSelection = KillSelection.YOUNGEST_FIRST;
    private AutoscalePolicy autoscale;
    private Instant version;
    private VersionInfo versionInfo;

    private Builder(PathId id) {
      this.id = id;
    }

    private Builder(App a) {
      id = a.id; cmd = a.cmd; args = a.args; user = a.user; env = a.env; instances = a.instances;
      cpus = a.cpus; mem = a.mem; disk = a.disk; gpus = a.gpus; executor = a.executor;
      constraints = a.constraints; fetch = a.fetch; portDefinitions = a.portDefinitions;
      requirePorts = a.requirePorts; backoffSeconds = a.backoffSeconds; backoffFactor = a.backoffFactor;
      maxLaunchDelaySeconds = a.maxLaunchDelaySeconds; container = a.container;
      healthChecks = a.healthChecks; readinessChecks = a.readinessChecks; dependencies = a.dependencies;
      upgradeStrategy = a.upgradeStrategy; labels = a.labels; networks = a.networks;
      taskKillGracePeriodSeconds = a.taskKillGracePeriodSeconds; unreachableStrategy = a.unreachableStrategy;
      killSelection = a.killSelection; autoscale = a.autoscale; version = a.version; versionInfo = a.versionInfo;
    }

    public Builder id(PathId v) { id = v; return this; }
    public Builder cmd(String v) { cmd = v; return this; }
    public Builder args(List<String> v) { args = v; return this; }
    public Builder user(String v) { user = v; return this; }
    public Builder env(Map<String, EnvValue> v) { env = v; return this; }
    public Builder instances(int v) { instances = v; return this; }
    public Builder cpus(double v) { cpus = v; return this; }
    public Builder mem(double v) { mem = v; return this; }
    public Builder disk(double v) { disk = v; return this; }
    public Builder gpus(int v) { gpus = v; return this; }
    public Builder executor(String v) { executor = v; return this; }
    public Builder constraints(List<Constraint> v) { constraints = v; return this; }
    public Builder fetch(List<FetchUri> v) { fetch = v; return this; }
    public Builder portDefinitions(List<PortDefinition> v) { portDefinitions = v; return this; }
    public Builder requirePorts(boolean v) { requirePorts = v; return this; }
    public Builder backoffSeconds(int v) { backoffSeconds = v; return this; }
    public Builder backoffFactor(double v) { backoffFactor = v; return this; }
    public Builder maxLaunchDelaySeconds(int v) { maxLaunchDelaySeconds = v; return this; }
    public Builder container(JsonObject v) { container = v; return this; }
    public Builder healthChecks(List<HealthCheck> v) { healthChecks = v; return this; }
    public Builder readinessChecks(List<ReadinessCheck> v) { readinessChecks = v; return this; }
    public Builder dependencies(List<PathId> v) { dependencies = v; return this; }
    public Builder upgradeStrategy(UpgradeStrategy v) { upgradeStrategy = v; return this; }
    public Builder labels(Map<String, String> v) { labels = v; return this; }
    public Builder networks(JsonArray v) { networks = v; return this; }
    public Builder taskKillGracePeriodSeconds(Integer v) { taskKillGracePeriodSeconds = v; return this; }
    public Builder unreachableStrategy(UnreachableStrategy v) { unreachableStrategy = v; return this; }
    public Builder killSelection(KillSelection v) { killSelection = v; return this; }
    public Builder autoscale(AutoscalePolicy v) { autoscale = v; return this; }
    public Builder version(Instant v) { version = v; return this; }
    public Builder versionInfo(VersionInfo v) { versionInfo = v; return this; }

    public App build() {
      return new App(id, cmd, args, user, env, instances, cpus, mem, disk, gpus, executor, constraints,
          fetch, portDefinitions, requirePorts, backoffSeconds, backoffFactor, maxLaunchDelaySeconds,
          container, healthChecks, readinessChecks, dependencies, upgradeStrategy, labels, networks,
          taskKillGracePeriodSeconds, unreachableStrategy, killSelection, autoscale, version, versionInfo);
    }
  }
}
