package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.deploy.Submission;
import io.vertx.core.json.JsonObject;

/** The answer to a change the /v2 API asked for: a deployment started, or a refusal. */
public sealed interface Change {

  /**
   * A deployment started.
   *
   * @param app the app as stored now (null when the change removed it)
   * @param accepted the deployment, whose {@code body()} is {@code {"deploymentId","version"}}
   * @param created true if the change created the app (201)
   */
  record Deployed(App app, Submission.Accepted accepted, boolean created) implements Change {
    /** The deployment's id, for the {@code Marathon-Deployment-Id} header. */
    public String deploymentId() {
      return accepted.started().deployment().id();
    }
  }

  /** Refused with this status and body (404, 409 exists or locked, 400, 422). */
  record Refused(int status, JsonObject body) implements Change {
    /** A refusal with {@code {"message": message}}. */
    public static Refused of(int status, String message) {
      return new Refused(status, new JsonObject().put("message", message));
    }
  }
}
