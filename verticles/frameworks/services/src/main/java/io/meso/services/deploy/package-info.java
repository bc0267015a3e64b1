/**
 * Deployments of the services framework: how a change of apps is rolled out, decided the way
 * Marathon decides it. Pure Java: no I/O, no event loop, no clock reads (callers pass times in).
 *
 * <p>A {@link io.meso.services.deploy.DeploymentPlan} takes the apps from an original set to a
 * target set in steps: stop removed apps, start new ones at 0, then one step per dependency level
 * ({@link io.meso.services.deploy.DependencyLevels}) of ScaleApplication (new, scale-only) and
 * RestartApplication (changed) actions. A {@link io.meso.services.deploy.Deployment} runs a plan:
 * the runtime feeds it {@link io.meso.services.deploy.Fact}s (an instance changed condition, its
 * health or readiness changed) and carries out the {@link io.meso.services.deploy.Command}s it
 * answers with (start n instances, kill these, check readiness, step started/finished, done).
 * Each action's progress is a small state machine: {@code ScaleProgress} (kill by killSelection,
 * then start and wait), {@code RestartProgress} (the rolling restart of TaskReplaceActor over
 * {@link io.meso.services.placement.RollingRestart}), {@code StopProgress}; all wait for health
 * and readiness through {@code ReadinessTracker}.
 *
 * <p>The {@link io.meso.services.deploy.DeploymentRegistry} keeps one deployment per app (409
 * otherwise, unless forced) and cancels, with or without a revert deployment.
 * {@link io.meso.services.deploy.DeploymentJson} and {@link io.meso.services.deploy.DeploymentEvents}
 * render deployments for {@code /v2/deployments} and the SSE event stream.
 */
package io.meso.services.deploy;
