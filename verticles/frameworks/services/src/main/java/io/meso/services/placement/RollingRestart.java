package io.meso.services.placement;

/**
 * The arithmetic of replacing an app's old instances with new ones during a restart deployment,
 * as Marathon's {@code core/deployment/impl/TaskReplaceActor.scala} does it, as an immutable
 * state and its steps. The caller carries out each {@link Step} (kill {@code killNow} old
 * instances, start {@code startNow} new ones) and reports back.
 *
 * <p>At the start, with n = target instances and h = healthy instances (old and new):
 *
 * <pre>
 *   minHealthy  = ceil(n × minimumHealthCapacity)
 *   maxCapacity = floor(n × (1 + maximumOverCapacity))      (+1 if minHealthy == maxCapacity &lt;= h)
 *   killNow     = max(0, h − minHealthy), or the surplus of instances over n if that is more
 * </pre>
 *
 * computed in doubles as Marathon does (so ceil(25 × 0.28) is 8, not 7). Then, whenever capacity is
 * freed: {@code startNow = min(n − newStarted, max(0, maxCapacity − oldActive − newStarted))};
 * each new instance that turns healthy (and ready) lets one more old one be killed; an old one
 * counts against capacity until it has terminated. Left out: resident apps (Marathon kills one
 * more instead of allowing one extra) and new instances failing, which the launch queue restarts
 * without changing these counts.
 *
 * @param target n, the app's instance count
 * @param maxCapacity the most old plus new instances at once
 * @param oldActive old instances not yet terminated
 * @param oldToKill old instances not yet told to die
 * @param newStarted new instances started or queued
 * @param newHealthy new instances healthy and ready
 */
public record RollingRestart(int target, int maxCapacity, int oldActive, int oldToKill,
    int newStarted, int newHealthy) {

  /** What to do now, and the state after doing it. */
  public record Step(RollingRestart next, int killNow, int startNow) {}

  /**
   * The first step of a restart.
   *
   * @param target n, the new version's instance count (&gt; 0)
   * @param minimumHealthCapacity the upgrade strategy's, 0..1
   * @param maximumOverCapacity the upgrade strategy's, 0..1
   * @param oldActive old instances still meant to run
   * @param newAlreadyStarted new-version instances already there (a restart picked up again)
   * @param healthy old and new instances considered healthy
   */
  public static Step begin(int target, double minimumHealthCapacity, double maximumOverCapacity,
      int oldActive, int newAlreadyStarted, int healthy) {
    if (target <= 0) {
      throw new IllegalArgumentException("target must be > 0, got " + target);
    }
    int minHealthy = (int) Math.ceil(target * minimumHealthCapacity);
    int maxCapacity = (int) (target * (1 + maximumOverCapacity));
    int kill = Math.max(0, healthy - minHealthy);
    if (minHealthy == maxCapacity && maxCapacity <= healthy) {
      // No room to start even one new instance without killing below minHealthy: allow one extra.
      maxCapacity += 1;
    }
    int current = oldActive + newAlreadyStarted;
    if (target < current) {
      kill = Math.max(current - target, kill);
    }
    kill = Math.min(kill, oldActive);
    RollingRestart state = new RollingRestart(target, maxCapacity, oldActive, oldActive - kill,
        newAlreadyStarted, 0);
    return state.launch(kill);
  }

  /** A new instance became healthy and ready: one more old instance may die. */
  public Step newInstanceHealthy() {
    int kill = oldToKill > 0 ? 1 : 0;
    return new Step(new RollingRestart(target, maxCapacity, oldActive, oldToKill - kill,
        newStarted, newHealthy + 1), kill, 0);
  }

  /** An old instance terminated: its capacity can go to a new one. */
  public Step oldInstanceTerminated() {
    if (oldActive == 0) {
      throw new IllegalStateException("no old instance is active");
    }
    int active = oldActive - 1;
    return new RollingRestart(target, maxCapacity, active, Math.min(oldToKill, active),
        newStarted, newHealthy).launch(0);
  }

  /** Whether the restart is done: n new instances healthy and no old one left. */
  public boolean finished() {
    return newHealthy >= target && oldActive == 0;
  }

  private Step launch(int killNow) {
    int leftCapacity = Math.max(0, maxCapacity - oldActive - newStarted);
    int notStartedYet = Math.max(0, target - newStarted);
    int start = Math.min(notStartedYet, leftCapacity);
    return new Step(new RollingRestart(target, maxCapacity, oldActive, oldToKill,
        newStarted + start, newHealthy), killNow, start);
  }
}
