package io.meso.services.deploy;

import io.meso.services.app.App;
import java.util.List;
import java.util.Objects;

/**
 * One thing a deployment step does to one app. The app is the definition the action works
 * towards: the target for start, scale and restart, the original for stop.
 *
 * @param type what is done
 * @param app the app definition acted on
 * @param toKill for a scale, instances the user asked to kill first ({@code DELETE
 *     /v2/apps/{id}/tasks?scale=true}); empty otherwise
 */
public record DeploymentAction(Type type, App app, List<String> toKill) {

  /** The action types, named on the wire as Marathon names them. */
  public enum Type {
    /** Registers a new app with 0 instances; done at once (a Marathon compatibility step). */
    START("StartApplication"),
    /** Kills every instance of a removed app. */
    STOP("StopApplication"),
    /** Starts or kills instances until the app has its target count. */
    SCALE("ScaleApplication"),
    /** Replaces every instance with one of the new version, a rolling restart. */
    RESTART("RestartApplication");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    /** The name in deployment JSON ({@code action}, and {@code type} for marathon-client). */
    public String wireName() {
      return wireName;
    }
  }

  public DeploymentAction {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(app, "app");
    toKill = List.copyOf(toKill);
  }

  public static DeploymentAction start(App app) {
    return new DeploymentAction(Type.START, app, List.of());
  }

  public static DeploymentAction stop(App app) {
    return new DeploymentAction(Type.STOP, app, List.of());
  }

  public static DeploymentAction scale(App app, List<String> toKill) {
    return new DeploymentAction(Type.SCALE, app, toKill);
  }

  public static DeploymentAction restart(App app) {
    return new DeploymentAction(Type.RESTART, app, List.of());
  }
}
