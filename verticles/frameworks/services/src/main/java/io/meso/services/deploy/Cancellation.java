package io.meso.services.deploy;

import io.vertx.core.json.JsonObject;

/** The answer to {@code DELETE /v2/deployments/{id}}. */
public sealed interface Cancellation {

  /** The HTTP status to answer with. */
  int status();

  /** The HTTP body, null for none. */
  JsonObject body();

  /** No running deployment has that id: 404. */
  record NotFound(String id) implements Cancellation {
    @Override
    public int status() {
      return 404;
    }

    @Override
    public JsonObject body() {
      return DeploymentJson.notFound(id);
    }
  }

  /** {@code force=true}: the deployment stopped where it was, nothing rolled back: 202, no body. */
  record Stopped(Outcome cancelled) implements Cancellation {
    @Override
    public int status() {
      return 202;
    }

    @Override
    public JsonObject body() {
      return null;
    }
  }

  /**
   * {@code force=false}: a new deployment takes the apps back to before the cancelled one (which
   * it overrode, so it is among {@code revert.cancelled()}): 200 with the new deployment's result.
   * The runtime stores {@code revert}'s target apps as the current ones.
   */
  record Reverted(Submission.Accepted revert) implements Cancellation {
    @Override
    public int status() {
      return 200;
    }

    @Override
    public JsonObject body() {
      return revert.body();
    }
  }
}
