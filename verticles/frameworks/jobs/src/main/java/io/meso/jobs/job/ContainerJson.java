package io.meso.jobs.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The job's {@code container}, normalised to the fields and order Chronos renders
 * ({@code jobs/Containers.scala}, {@code utils/JobSerializer.scala}): type (DOCKER), image,
 * network (HOST), networkName, networkInfos, volumes, forcePullImage (false), parameters.
 * As in Chronos a container without {@code image} is ignored.
 */
final class ContainerJson {
  private static final List<String> TYPES = List.of("DOCKER", "MESOS");
  private static final List<String> NETWORKS = List.of("HOST", "BRIDGE", "USER");
  private static final List<String> MODES = List.of("RO", "RW");

  private ContainerJson() {}

  static JsonObject parse(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject c)) {
      throw new JobValidationException("container", value, "a JSON object with an image");
    }
    if (c.getValue("image") == null) {
      return null;
    }
    JsonObject o = new JsonObject();
    o.put("type", oneOf(c, "type", "DOCKER", TYPES));
    o.put("image", JobJson.string(c, "image", ""));
    o.put("network", oneOf(c, "network", "HOST", NETWORKS));
    String networkName = JobJson.string(c, "networkName", null);
    if (networkName != null) {
      o.put("networkName", networkName);
    }
    o.put("networkInfos", JobJson.array(c, "networkInfos").copy());
    JsonArray volumes = new JsonArray();
    for (Object v : JobJson.array(c, "volumes")) {
      if (!(v instanceof JsonObject vo) || vo.getValue("containerPath") == null) {
        throw new JobValidationException("container.volumes", v,
            "each volume is {\"containerPath\":..., \"hostPath\":..., \"mode\":\"RO\"|\"RW\"}");
      }
      JsonObject out = new JsonObject();
      if (vo.getValue("hostPath") != null) {
        out.put("hostPath", JobJson.string(vo, "hostPath", ""));
      }
      out.put("containerPath", JobJson.string(vo, "containerPath", ""));
      if (vo.getValue("mode") != null) {
        out.put("mode", oneOf(vo, "mode", null, MODES));
      }
      if (vo.getValue("external") != null) {
        out.put("external", vo.getValue("external"));
      }
      volumes.add(out);
    }
    o.put("volumes", volumes);
    o.put("forcePullImage", JobJson.bool(c, "forcePullImage", false));
    o.put("parameters", JobJson.array(c, "parameters").copy());
    return o;
  }

  private static String oneOf(JsonObject c, String field, String dflt, List<String> allowed) {
    String v = JobJson.string(c, field, dflt);
    String upper = v == null ? null : v.toUpperCase(Locale.ROOT);
    if (!allowed.contains(upper)) {
      throw new JobValidationException("container." + field, v, "one of " + allowed);
    }
    return upper;
  }
}
