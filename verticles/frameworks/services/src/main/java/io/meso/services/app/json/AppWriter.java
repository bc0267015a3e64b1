package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.Constraint;
import io.meso.services.app.EnvValue;
import io.meso.services.app.FetchUri;
import io.meso.services.app.HealthCheck;
import io.meso.services.app.PathId;
import io.meso.services.app.PortDefinition;
import io.meso.services.app.ReadinessCheck;
import io.meso.services.app.UnreachableStrategy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders an app as Marathon 1.5+ does ({@code raml/AppConversion.scala} through the RAML
 * generator): every field with its default filled in, in Marathon's field order; absent optional
 * fields ({@code cmd}, {@code user}, {@code container}, ...) left out; the "omit empty" lists and
 * maps ({@code args}, {@code constraints}, {@code dependencies}, {@code env}, {@code fetch},
 * {@code healthChecks}, {@code readinessChecks}) left out when empty; never the deprecated
 * {@code ports}, {@code uris} or {@code ipAddress}. Meso's own {@code autoscale} object comes last,
 * only for an app that has one. Timestamps are ISO-8601 UTC with milliseconds.
 */
public final class AppWriter {

  /** Marathon's timestamp form: always three fraction digits, always Z. */
  public static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private AppWriter() {}

  /** {@code t} as Marathon writes timestamps, e.g. {@code 2026-01-31T12:00:00.000Z}. */
  public static String timestamp(Instant t) {
    return TIMESTAMP.format(t);
  }

  /** The app definition alone, as in /v2/apps/{id}/versions/{v} and deployment plans. */
  public static JsonObject render(App app) {
    JsonObject o = new JsonObject().put("id", app.id().toString());
    putList(o, "args", app.args(), a -> a);
    o.put("backoffFactor", app.backoffFactor());
    o.put("backoffSeconds", app.backoffSeconds());
    putIfSet(o, "cmd", app.cmd());
    putList(o, "constraints", app.constraints(), AppWriter::constraint);
    putIfSet(o, "container", app.container());
    o.put("cpus", app.cpus());
    putList(o, "dependencies", app.dependencies(), PathId::toString);
    o.put("disk", app.disk());
    if (!app.env().isEmpty()) {
      JsonObject env = new JsonObject();
      app.env().forEach((k, v) -> env.put(k, v instanceof EnvValue.SecretRef s
          ? new JsonObject().put("secret", s.secret()) : ((EnvValue.Literal) v).value()));
      o.put("env", env);
    }
    o.put("executor", app.executor());
    putList(o, "fetch", app.fetch(), AppWriter::fetch);
    putList(o, "healthChecks", app.healthChecks(), AppWriter::healthCheck);
    o.put("instances", app.instances());
    o.put("labels", strings(app.labels()));
    o.put("maxLaunchDelaySeconds", app.maxLaunchDelaySeconds());
    o.put("mem", app.mem());
    o.put("gpus", app.gpus());
    o.put("networks", app.networks());
    if (app.hostNetworking()) {
      o.put("portDefinitions", new JsonArray(app.portDefinitions().stream().map(AppWriter::portDefinition).toList()));
    }
    putList(o, "readinessChecks", app.readinessChecks(), AppWriter::readinessCheck);
    o.put("requirePorts", app.requirePorts());
    putIfSet(o, "taskKillGracePeriodSeconds", app.taskKillGracePeriodSeconds());
    o.put("upgradeStrategy", new JsonObject()
        .put("maximumOverCapacity", app.upgradeStrategy().maximumOverCapacity())
        .put("minimumHealthCapacity", app.upgradeStrategy().minimumHealthCapacity()));
    putIfSet(o, "user", app.user());
    if (app.version() != null) {
      o.put("version", timestamp(app.version()));
    }
    if (app.versionInfo() != null) {
      o.put("versionInfo", new JsonObject()
          .put("lastScalingAt", timestamp(app.versionInfo().lastScalingAt()))
          .put("lastConfigChangeAt", timestamp(app.versionInfo().lastConfigChangeAt())));
    }
    o.put("killSelection", app.killSelection().name());
    o.put("unreachableStrategy", unreachable(app.unreachableStrategy()));
    if (app.autoscale() != null) {
      o.put(AutoscaleReader.FIELD, AutoscaleReader.render(app.autoscale()));
    }
    return o;
  }

  /** The app with the read-only fields of /v2/apps (an {@code AppInfo}) appended. */
  public static JsonObject render(App app, AppStatus status) {
    JsonObject o = render(app);
    o.put("tasksStaged", status.tasksStaged());
    o.put("tasksRunning", status.tasksRunning());
    o.put("tasksHealthy", status.tasksHealthy());
    o.put("tasksUnhealthy", status.tasksUnhealthy());
    o.put("deployments", new JsonArray(status.deploymentIds().stream()
        .map(id -> new JsonObject().put("id", id)).toList()));
    putIfSet(o, "tasks", status.tasks());
    putIfSet(o, "lastTaskFailure", status.lastTaskFailure());
    return o;
  }

  static Object unreachable(UnreachableStrategy s) {
    return s.disabled() ? "disabled" : new JsonObject()
        .put("inactiveAfterSeconds", s.inactiveAfterSeconds())
        .put("expungeAfterSeconds", s.expungeAfterSeconds());
  }

  private static JsonArray constraint(Constraint c) {
    JsonArray a = new JsonArray().add(c.field()).add(c.operator().name());
    return c.value() == null ? a : a.add(c.value());
  }

  private static JsonObject fetch(FetchUri f) {
    JsonObject o = new JsonObject().put("uri", f.uri()).put("extract", f.extract())
        .put("executable", f.executable()).put("cache", f.cache());
    putIfSet(o, "destPath", f.destPath());
    return o;
  }

  private static JsonObject healthCheck(HealthCheck h) {
    JsonObject o = new JsonObject().put("gracePeriodSeconds", h.gracePeriodSeconds());
    if (h.command() != null) {
      o.put("command", new JsonObject().put("value", h.command()));
    }
    putIfSet(o, "ignoreHttp1xx", h.ignoreHttp1xx());
    o.put("intervalSeconds", h.intervalSeconds());
    o.put("maxConsecutiveFailures", h.maxConsecutiveFailures());
    putIfSet(o, "path", h.path());
    putIfSet(o, "port", h.port());
    putIfSet(o, "portIndex", h.portIndex());
    o.put("protocol", h.protocol().name());
    o.put("ipProtocol", h.ipProtocol().name());
    o.put("timeoutSeconds", h.timeoutSeconds());
    o.put("delaySeconds", h.delaySeconds());
    return o;
  }

  private static JsonObject readinessCheck(ReadinessCheck r) {
    return new JsonObject().put("name", r.name()).put("protocol", r.protocol()).put("path", r.path())
        .put("portName", r.portName()).put("intervalSeconds", r.intervalSeconds())
        .put("timeoutSeconds", r.timeoutSeconds())
        .put("httpStatusCodesForReady", new JsonArray(r.httpStatusCodesForReady()))
        .put("preserveLastResponse", r.preserveLastResponse());
  }

  private static JsonObject portDefinition(PortDefinition p) {
    JsonObject o = new JsonObject().put("port", p.port());
    if (!p.labels().isEmpty()) {
      o.put("labels", strings(p.labels()));
    }
    putIfSet(o, "name", p.name());
    return o.put("protocol", p.protocol());
  }

  private static JsonObject strings(Map<String, String> map) {
    JsonObject o = new JsonObject();
    map.forEach(o::put);
    return o;
  }

  private static <T> void putList(JsonObject o, String key, List<T> list, Function<T, Object> each) {
    if (!list.isEmpty()) {
      o.put(key, new JsonArray(list.stream().map(each).toList()));
    }
  }

  private static void putIfSet(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
