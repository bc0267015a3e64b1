package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.app.HealthCheck;
import io.meso.services.app.PathId;
import io.meso.services.app.ReadinessCheck;
import io.meso.services.app.UpgradeStrategy;
import io.meso.services.app.VersionInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small app definitions for deployment tests; every app is stored (has a version). */
final class Apps {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:01:00Z");
  static final Instant T2 = Instant.parse("2026-01-01T00:02:00Z");

  static final HealthCheck HTTP_CHECK = new HealthCheck(HealthCheck.Protocol.HTTP, null, "/health", 0,
      null, null, 300, 60, 20, 3, 15, HealthCheck.IpProtocol.IPv4);
  static final ReadinessCheck READY_CHECK = new ReadinessCheck("readiness", "HTTP", "/ready",
      "http-api", 30, 10, List.of(200), false);

  private Apps() {}

  /** {@code /id} running {@code cmd} with {@code instances}, configured at {@code version}. */
  static App app(String id, int instances, String cmd, Instant version) {
    return App.builder(PathId.absolute(id)).cmd(cmd).instances(instances)
        .version(version).versionInfo(VersionInfo.forNewConfig(version)).build();
  }

  /** {@code app} with {@code dependencies}. */
  static App dependsOn(App app, String... dependencies) {
    return app.toBuilder().dependencies(Arrays.stream(dependencies).map(PathId::absolute).toList()).build();
  }

  /** {@code app} with an upgrade strategy. */
  static App strategy(App app, double minimumHealthCapacity, double maximumOverCapacity) {
    return app.toBuilder().upgradeStrategy(new UpgradeStrategy(minimumHealthCapacity, maximumOverCapacity)).build();
  }

  /** {@code app} with an HTTP health check. */
  static App withHealthCheck(App app) {
    return app.toBuilder().healthChecks(List.of(HTTP_CHECK)).build();
  }

  /** {@code app} with a readiness check. */
  static App withReadinessCheck(App app) {
    return app.toBuilder().readinessChecks(List.of(READY_CHECK)).build();
  }

  /** The apps keyed by id. */
  static Map<PathId, App> set(App... apps) {
    Map<PathId, App> out = new LinkedHashMap<>();
    for (App a : apps) {
      out.put(a.id(), a);
    }
    return out;
  }

  static PathId id(String raw) {
    return PathId.absolute(raw);
  }
}
