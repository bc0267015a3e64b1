package io.meso.services.store;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppJson;
import io.meso.services.app.json.AppResult;
import io.meso.services.app.json.AppWriter;
import io.meso.services.app.json.Rejection;
import io.meso.services.deploy.DeploymentAction;
import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.deploy.DeploymentProgress;
import io.meso.services.deploy.DeploymentStep;
import io.meso.services.placement.AgentFacts;
import io.meso.services.placement.RollingRestart;
import io.meso.v1.Attribute;
import io.meso.v1.TaskState;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The stored forms of the services framework's records: UTF-8 JSON, readable with any registry
 * browser. Apps are written as {@code /v2} renders them ({@link AppWriter}) and read back through
 * the same parser as a POSTed app, so a stored app is equal to the one written; times are ISO-8601
 * instants at full precision; agent attributes are their protobuf bytes in Base64. Decoding a
 * value that is not what it should be throws {@link IllegalArgumentException} naming the field.
 */
public final class StoreCodec {

  private StoreCodec() {}

  // ---- apps ----

  public static byte[] encode(StoredApp app) {
    return bytes(new JsonObject().put("current", AppWriter.render(app.current()))
        .put("versions", new JsonArray(app.versions().stream().map(AppWriter::render).toList())));
  }

  public static StoredApp decodeApp(byte[] bytes) {
    JsonObject o = json(bytes);
    return new StoredApp(app(object(o, "current"), "current"), apps(array(o, "versions"), "versions"));
  }

  // ---- deployments ----

  public static byte[] encode(StoredDeployment d) {
    DeploymentPlan plan = d.plan();
    Set<PathId> kept = keptApps(plan);
    JsonArray steps = new JsonArray();
    for (DeploymentStep step : plan.steps()) {
      JsonArray actions = new JsonArray();
      for (DeploymentAction a : step.actions()) {
        actions.add(new JsonObject().put("type", a.type().name()).put("app", a.app().id().toString())
            .put("toKill", new JsonArray(a.toKill())));
      }
      steps.add(actions);
    }
    return bytes(new JsonObject()
        .put("id", plan.id())
        .put("version", plan.version().toString())
        .put("original", renderKept(plan.original(), kept))
        .put("target", renderKept(plan.target(), kept))
        .put("steps", steps)
        .put("progress", progress(d.progress())));
  }

  public static StoredDeployment decodeDeployment(byte[] bytes) {
    JsonObject o = json(bytes);
    Map<PathId, App> original = byId(apps(array(o, "original"), "original"));
    Map<PathId, App> target = byId(apps(array(o, "target"), "target"));
    List<DeploymentStep> steps = new ArrayList<>();
    JsonArray rawSteps = array(o, "steps");
    for (int i = 0; i < rawSteps.size(); i++) {
      JsonArray rawActions = element(rawSteps, i, JsonArray.class, "steps");
      List<DeploymentAction> actions = new ArrayList<>();
      for (int j = 0; j < rawActions.size(); j++) {
        String path = "steps/" + i + "/" + j;
        JsonObject a = element(rawActions, j, JsonObject.class, "steps/" + i);
        DeploymentAction.Type type = enumValue(DeploymentAction.Type.class, string(a, "type", path), path + "/type");
        PathId appId = PathId.absolute(string(a, "app", path));
        App app = (type == DeploymentAction.Type.STOP ? original : target).get(appId);
        if (app == null) {
          throw new IllegalArgumentException(path + "/app: " + appId + " is not among the deployment's "
              + (type == DeploymentAction.Type.STOP ? "original" : "target") + " apps");
        }
        actions.add(new DeploymentAction(type, app, strings(array(a, "toKill"), path + "/toKill")));
      }
      steps.add(new DeploymentStep(actions));
    }
    DeploymentPlan plan = new DeploymentPlan(string(o, "id", ""), original, target, steps,
        instant(string(o, "version", ""), "version"));
    return new StoredDeployment(plan, progress(object(o, "progress")));
  }

  /** The apps whose original and target a stored plan keeps: those it acts on or changes. */
  private static Set<PathId> keptApps(DeploymentPlan plan) {
    Set<PathId> kept = new LinkedHashSet<>(plan.affectedApps());
    Set<PathId> all = new LinkedHashSet<>(plan.original().keySet());
    all.addAll(plan.target().keySet());
    for (PathId id : all) {
      if (!Objects.equals(plan.original().get(id), plan.target().get(id))) {
        kept.add(id);
      }
    }
    return kept;
  }

  private static JsonArray renderKept(Map<PathId, App> apps, Set<PathId> kept) {
    JsonArray out = new JsonArray();
    apps.forEach((id, app) -> {
      if (kept.contains(id)) {
        out.add(AppWriter.render(app));
      }
    });
    return out;
  }

  static JsonObject progress(DeploymentProgress p) {
    JsonArray actions = new JsonArray();
    for (DeploymentProgress.ActionState s : p.actions()) {
      JsonObject a = new JsonObject().put("done", s.done());
      if (s instanceof DeploymentProgress.Plain) {
        a.put("kind", "plain");
      } else if (s instanceof DeploymentProgress.Scaling sc) {
        a.put("kind", "scaling").put("pendingKills", new JsonArray(sc.pendingKills()))
            .put("starting", sc.starting()).put("toStart", sc.toStart()).put("readiness", readiness(sc.readiness()));
      } else if (s instanceof DeploymentProgress.Restarting r) {
        a.put("kind", "restarting").put("oldActive", new JsonArray(r.oldActive()))
            .put("toKill", new JsonArray(r.toKill())).put("readiness", readiness(r.readiness()));
        if (r.counts() != null) {
          RollingRestart c = r.counts();
          a.put("counts", new JsonObject().put("target", c.target()).put("maxCapacity", c.maxCapacity())
              .put("oldActive", c.oldActive()).put("oldToKill", c.oldToKill()).put("newStarted", c.newStarted())
              .put("newHealthy", c.newHealthy()));
        }
      }
      actions.add(a);
    }
    return new JsonObject().put("step", p.step()).put("killRequested", new JsonArray(p.killRequested()))
        .put("actions", actions);
  }

  static DeploymentProgress progress(JsonObject o) {
    List<DeploymentProgress.ActionState> actions = new ArrayList<>();
    JsonArray raw = array(o, "actions");
    for (int i = 0; i < raw.size(); i++) {
      String path = "progress/actions/" + i;
      JsonObject a = element(raw, i, JsonObject.class, "progress/actions");
      boolean done = bool(a, "done", path);
      String kind = string(a, "kind", path);
      actions.add(switch (kind) {
        case "plain" -> new DeploymentProgress.Plain(done);
        case "scaling" -> new DeploymentProgress.Scaling(done, strings(array(a, "pendingKills"), path),
            bool(a, "starting", path), integer(a, "toStart", path), readiness(object(a, "readiness"), path));
        case "restarting" -> new DeploymentProgress.Restarting(done, strings(array(a, "oldActive"), path),
            strings(array(a, "toKill"), path), counts(a.getJsonObject("counts"), path),
            readiness(object(a, "readiness"), path));
        default -> throw new IllegalArgumentException(path + "/kind is '" + kind
            + "'; expected plain, scaling or restarting");
      });
    }
    return new DeploymentProgress(integer(o, "step", "progress"), strings(array(o, "killRequested"), "progress"),
        actions);
  }

  private static RollingRestart counts(JsonObject c, String path) {
    if (c == null) {
      return null;
    }
    String p = path + "/counts";
    return new RollingRestart(integer(c, "target", p), integer(c, "maxCapacity", p), integer(c, "oldActive", p),
        integer(c, "oldToKill", p), integer(c, "newStarted", p), integer(c, "newHealthy", p));
  }

  private static JsonObject readiness(DeploymentProgress.Readiness r) {
    return new JsonObject().put("healthy", new JsonArray(r.healthy())).put("ready", new JsonArray(r.ready()))
        .put("checking", new JsonArray(r.checking()));
  }

  private static DeploymentProgress.Readiness readiness(JsonObject o, String path) {
    String p = path + "/readiness";
    return new DeploymentProgress.Readiness(strings(array(o, "healthy"), p), strings(array(o, "ready"), p),
        strings(array(o, "checking"), p));
  }

  // ---- instances ----

  public static byte[] encode(StoredInstance i) {
    JsonObject agent = new JsonObject().put("hostname", i.agent().hostname());
    i.agent().region().ifPresent(r -> agent.put("region", r));
    i.agent().zone().ifPresent(z -> agent.put("zone", z));
    agent.put("attributes", new JsonArray(i.agent().attributes().stream()
        .map(a -> Base64.getEncoder().encodeToString(a.toByteArray())).toList()));
    JsonObject o = new JsonObject()
        .put("instanceId", i.instanceId())
        .put("taskId", i.taskId())
        .put("appId", i.appId().toString())
        .put("appVersion", i.appVersion().toString())
        .put("agentId", i.agentId())
        .put("agent", agent)
        .put("hostPorts", new JsonArray(i.hostPorts()))
        .put("stagedAt", i.stagedAt().toString())
        .put("state", i.state().name());
    putTime(o, "startedAt", i.startedAt());
    putTime(o, "since", i.since());
    if (i.healthy() != null) {
      o.put("healthy", i.healthy());
    }
    putTime(o, "firstSuccess", i.firstSuccess());
    putTime(o, "lastSuccess", i.lastSuccess());
    putTime(o, "lastFailure", i.lastFailure());
    if (i.lastFailureCause() != null) {
      o.put("lastFailureCause", i.lastFailureCause());
    }
    return bytes(o.put("consecutiveFailures", i.consecutiveFailures()).put("killGoal", i.killGoal())
        .put("inactive", i.inactive()));
  }

  public static StoredInstance decodeInstance(byte[] bytes) {
    JsonObject o = json(bytes);
    JsonObject a = object(o, "agent");
    List<Attribute> attributes = new ArrayList<>();
    for (String raw : strings(array(a, "attributes"), "agent/attributes")) {
      try {
        attributes.add(Attribute.parseFrom(Base64.getDecoder().decode(raw)));
      } catch (IllegalArgumentException | com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("agent/attributes: '" + raw + "' is not a Base64 Attribute: "
            + e.getMessage(), e);
      }
    }
    AgentFacts agent = new AgentFacts(string(a, "hostname", "agent"), Optional.ofNullable(a.getString("region")),
        Optional.ofNullable(a.getString("zone")), attributes);
    List<Integer> ports = new ArrayList<>();
    JsonArray rawPorts = array(o, "hostPorts");
    for (int i = 0; i < rawPorts.size(); i++) {
      ports.add(element(rawPorts, i, Integer.class, "hostPorts"));
    }
    return new StoredInstance(string(o, "instanceId", ""), string(o, "taskId", ""),
        PathId.absolute(string(o, "appId", "")), time(o, "appVersion", true), string(o, "agentId", ""), agent, ports,
        time(o, "stagedAt", true), enumValue(TaskState.class, string(o, "state", ""), "state"),
        time(o, "startedAt", false), time(o, "since", false), o.getBoolean("healthy"),
        time(o, "firstSuccess", false), time(o, "lastSuccess", false), time(o, "lastFailure", false),
        o.getString("lastFailureCause"), integer(o, "consecutiveFailures", ""), string(o, "killGoal", ""),
        bool(o, "inactive", ""));
  }

  // ---- launches ----

  public static byte[] encode(StoredLaunches l) {
    JsonObject o = new JsonObject().put("appId", l.appId().toString());
    if (l.queued() != null) {
      o.put("queued", new JsonObject().put("appVersion", l.queued().appVersion().toString())
          .put("count", l.queued().count()).put("since", l.queued().since().toString()));
    }
    if (l.backoff() != null) {
      o.put("backoff", new JsonObject().put("versionKey", l.backoff().versionKey())
          .put("reference", l.backoff().reference().toString()).put("delay", l.backoff().delay().toString()));
    }
    return bytes(o);
  }

  public static StoredLaunches decodeLaunches(byte[] bytes) {
    JsonObject o = json(bytes);
    JsonObject q = o.getJsonObject("queued");
    JsonObject b = o.getJsonObject("backoff");
    StoredLaunches.Queued queued = q == null ? null
        : new StoredLaunches.Queued(time(q, "appVersion", true), integer(q, "count", "queued"), time(q, "since", true));
    StoredLaunches.Backoff backoff = null;
    if (b != null) {
      String delay = string(b, "delay", "backoff");
      Duration d;
      try {
        d = Duration.parse(delay);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("backoff/delay is '" + delay + "'; expected an ISO-8601 duration", e);
      }
      backoff = new StoredLaunches.Backoff(string(b, "versionKey", "backoff"), time(b, "reference", true), d);
    }
    return new StoredLaunches(PathId.absolute(string(o, "appId", "")), queued, backoff);
  }

  // ---- framework id ----

  public static byte[] encodeFrameworkId(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  public static String decodeFrameworkId(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // ---- helpers ----

  private static byte[] bytes(JsonObject o) {
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject json(byte[] bytes) {
    try {
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the stored value is not a JSON object: " + e.getMessage(), e);
    }
  }

  private static App app(JsonObject json, String path) {
    AppResult parsed = AppJson.parse(json);
    if (parsed instanceof Rejection r) {
      throw new IllegalArgumentException(path + ": the stored app " + json.getString("id") + " is not valid: "
          + r.body().encode());
    }
    return ((AppResult.Valid) parsed).app();
  }

  private static List<App> apps(JsonArray array, String path) {
    List<App> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(app(element(array, i, JsonObject.class, path), path + "/" + i));
    }
    return out;
  }

  private static Map<PathId, App> byId(List<App> apps) {
    Map<PathId, App> out = new LinkedHashMap<>();
    apps.forEach(a -> out.put(a.id(), a));
    return out;
  }

  private static void putTime(JsonObject o, String field, Instant t) {
    if (t != null) {
      o.put(field, t.toString());
    }
  }

  private static Instant time(JsonObject o, String field, boolean required) {
    String raw = o.getValue(field) instanceof String s ? s : null;
    if (raw == null) {
      if (required || o.containsKey(field)) {
        throw new IllegalArgumentException(field + " is " + describe(o.getValue(field)) + "; expected an ISO-8601 instant");
      }
      return null;
    }
    return instant(raw, field);
  }

  private static Instant instant(String raw, String field) {
    try {
      return Instant.parse(raw);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(field + " is '" + raw + "'; expected an ISO-8601 instant", e);
    }
  }

  private static String string(JsonObject o, String field, String path) {
    return required(o, field, String.class, path, "a string");
  }

  private static int integer(JsonObject o, String field, String path) {
    return required(o, field, Integer.class, path, "an integer");
  }

  private static boolean bool(JsonObject o, String field, String path) {
    return required(o, field, Boolean.class, path, "true or false");
  }

  private static JsonObject object(JsonObject o, String field) {
    return required(o, field, JsonObject.class, "", "a JSON object");
  }

  private static JsonArray array(JsonObject o, String field) {
    return required(o, field, JsonArray.class, "", "a JSON array");
  }

  private static <T> T required(JsonObject o, String field, Class<T> type, String path, String expected) {
    Object v = o.getValue(field);
    if (type.isInstance(v)) {
      return type.cast(v);
    }
    throw new IllegalArgumentException((path.isEmpty() ? "" : path + "/") + field + " is " + describe(v)
        + "; expected " + expected);
  }

  private static <T> T element(JsonArray array, int i, Class<T> type, String path) {
    Object v = array.getValue(i);
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException(path + "/" + i + " is " + describe(v) + "; expected "
          + type.getSimpleName());
    }
    return type.cast(v);
  }

  private static List<String> strings(JsonArray array, String path) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(element(array, i, String.class, path));
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String raw, String field) {
    try {
      return Enum.valueOf(type, raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is '" + raw + "'; expected one of "
          + java.util.Arrays.toString(type.getEnumConstants()), e);
    }
  }

  private static String describe(Object v) {
    return v == null ? "missing" : "'" + v + "'";
  }

  /** Decodes {@code bytes} with {@code decoder}, naming {@code section/key} in the error. */
  static <T> T decode(String section, String key, byte[] bytes, Function<byte[], T> decoder) {
    try {
      return decoder.apply(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(section + "/" + key + ": " + e.getMessage(), e);
    }
  }
}
