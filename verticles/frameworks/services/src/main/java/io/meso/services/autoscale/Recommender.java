package io.meso.services.autoscale;

import io.meso.services.app.AutoscalePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Decides one app's instance count from its instances' cpu utilisation, as Kubernetes'
 * HorizontalPodAutoscaler does, and remembers its recent recommendations for the stabilisation
 * windows. One per app and policy; not thread-safe (the framework's event loop owns it).
 *
 * <p>Each evaluation:
 * <ol>
 *   <li>The mean utilisation over the measured instances, against the target: within
 *       {@code tolerance} of it, the load asks for the current count.</li>
 *   <li>Above: {@code ceil(sum of utilisations / target)}, which is HPA's
 *       {@code ceil(current × mean / target)} with the unmeasured instances (just started, agent
 *       silent) counted as idle, so instances still starting do not scale the app up again.</li>
 *   <li>Below: the same formula, but only when every instance the app should run was measured; an
 *       unmeasured one (its agent gone, its samples stale) could be the busy one, so the app never
 *       scales down on partial figures.</li>
 *   <li>The result is brought within {@code [minInstances, maxInstances]}.</li>
 *   <li>Stabilisation: up to the lowest recommendation of the last
 *       {@code scaleUpStabilizationSeconds}, down to the highest of the last
 *       {@code scaleDownStabilizationSeconds}, and a scale-down only once this recommender has
 *       watched for that whole window (a new leader starts watching afresh, so a failover never
 *       hastens a scale-down).</li>
 * </ol>
 */
public final class Recommender {

  private record Recommendation(Instant at, int instances) {}

  private final AutoscalePolicy policy;
  private final Instant since;
  private final Deque<Recommendation> history = new ArrayDeque<>();

  /** A recommender for {@code policy} that starts watching at {@code since}. */
  public Recommender(AutoscalePolicy policy, Instant since) {
    this.policy = policy;
    this.since = since;
  }

  public AutoscalePolicy policy() {
    return policy;
  }

  /**
   * The decision for an app that should run {@code instances}, of which {@code utilizations} were
   * measured (one figure per measured instance; more than {@code instances} while an old instance
   * is still being killed).
   */
  public AutoscaleDecision decide(int instances, List<Double> utilizations, Instant now) {
    double target = policy.targetCpuUtilization();
    int measured = utilizations.size();
    int missing = Math.max(0, instances - measured);
    double sum = utilizations.stream().mapToDouble(Double::doubleValue).sum();
    double mean = measured == 0 ? Double.NaN : sum / measured;
    int load;
    String why;
    if (measured == 0) {
      load = instances;
      why = "no instance measured yet";
    } else if (Math.abs(mean / target - 1) <= policy.tolerance()) {
      load = instances;
      why = "utilization within the tolerance of the target";
    } else if (mean > target) {
      load = Math.max(instances, (int) Math.ceil(sum / target - 1e-9));
      why = "utilization above the target";
    } else if (missing > 0) {
      load = instances;
      why = missing + " instance(s) not measured: no scale-down";
    } else {
      load = Math.min(instances, Math.max(1, (int) Math.ceil(sum / target - 1e-9)));
      why = "utilization below the target";
    }
    int recommended = policy.clamp(load);
    if (missing > 0 && recommended < instances) {
      recommended = instances;
      why = missing + " instance(s) not measured: no scale-down";
    } else if (recommended != load) {
      why += recommended > load ? " (raised to minInstances)" : " (capped at maxInstances)";
    }
    remember(now, recommended);
    int desired = stabilized(instances, now);
    if (desired == instances && recommended < instances) {
      why += "; holding for the " + policy.scaleDownStabilizationSeconds() + " s scale-down window";
    } else if (desired == instances && recommended > instances) {
      why += "; holding for the " + policy.scaleUpStabilizationSeconds() + " s scale-up window";
    }
    return new AutoscaleDecision(now, instances, measured, missing, mean, target, recommended, desired, why);
  }

  private void remember(Instant now, int recommended) {
    history.addLast(new Recommendation(now, recommended));
    Instant horizon = now.minusSeconds(Math.max(policy.scaleUpStabilizationSeconds(),
        policy.scaleDownStabilizationSeconds()));
    while (history.size() > 1 && history.peekFirst().at().isBefore(horizon)) {
      history.removeFirst();
    }
  }

  private int stabilized(int instances, Instant now) {
    Instant upFrom = now.minusSeconds(policy.scaleUpStabilizationSeconds());
    Instant downFrom = now.minusSeconds(policy.scaleDownStabilizationSeconds());
    int up = Integer.MAX_VALUE;
    int down = Integer.MIN_VALUE;
    for (Recommendation r : history) {
      if (!r.at().isBefore(upFrom)) {
        up = Math.min(up, r.instances());
      }
      if (!r.at().isBefore(downFrom)) {
        down = Math.max(down, r.instances());
      }
    }
    if (instances < up) {
      return up;
    }
    boolean watchedWholeWindow = !Duration.between(since, now)
        .minusSeconds(policy.scaleDownStabilizationSeconds()).isNegative();
    if (instances > down && watchedWholeWindow) {
      return down;
    }
    return instances;
  }
}
