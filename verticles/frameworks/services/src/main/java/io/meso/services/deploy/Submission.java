package io.meso.services.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The answer to a new deployment: accepted and started, or refused because its apps are locked. */
public sealed interface Submission {

  /** The HTTP status a deployable operation answers with (200; a creating POST makes it 201). */
  int status();

  /** The HTTP body. */
  JsonObject body();

  /**
   * The deployment runs. {@code cancelled} are the running deployments it overrode with
   * {@code force=true}, stopped without rollback: publish {@code deployment_failed} for each.
   */
  record Accepted(Outcome started, List<Outcome> cancelled) implements Submission {
    public Accepted {
      cancelled = List.copyOf(cancelled);
    }

    @Override
    public int status() {
      return 200;
    }

    /** {@code {"deploymentId","version"}}. */
    @Override
    public JsonObject body() {
      return DeploymentJson.deploymentResult(started.deployment().plan());
    }
  }

  /** Refused: apps it touches are being deployed by {@code deploymentIds}, and force was false. */
  record Locked(List<String> deploymentIds) implements Submission {

    /** Marathon's {@code AppLockedException} message, placeholder and all. */
    public static final String MESSAGE = "App is locked by one or more deployments. "
        + "Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.";

    public Locked {
      deploymentIds = List.copyOf(deploymentIds);
    }

    @Override
    public int status() {
      return 409;
    }

    /** {@code {"message":..,"deployments":[{"id":..}]}}. */
    @Override
    public JsonObject body() {
      JsonArray ids = new JsonArray();
      deploymentIds.forEach(id -> ids.add(new JsonObject().put("id", id)));
      return new JsonObject().put("message", MESSAGE).put("deployments", ids);
    }
  }
}
