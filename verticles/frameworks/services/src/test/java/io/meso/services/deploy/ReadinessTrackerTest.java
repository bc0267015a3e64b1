package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.withHealthCheck;
import static io.meso.services.deploy.Apps.withReadinessCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ReadinessTracker} keeps the count of instances both healthy and ready as facts arrive
 * (it is asked after every fact of a deployment). Checked against a plain model of Marathon's
 * ReadinessBehavior, after every step of long random sequences of facts (seeded: reproducible),
 * for apps with and without health and readiness checks: the count, and the signal each fact
 * returns (true only when it made an instance count for the first time).
 */
class ReadinessTrackerTest {

  /** The rules of the tracker's javadoc, kept the obvious way: count by intersecting the sets. */
  private static final class Model {
    final boolean healthChecks;
    final boolean readinessChecks;
    final Set<String> healthy = new HashSet<>();
    final Set<String> ready = new HashSet<>();

    Model(boolean healthChecks, boolean readinessChecks) {
      this.healthChecks = healthChecks;
      this.readinessChecks = readinessChecks;
    }

    boolean counts(String id) {
      return healthy.contains(id) && ready.contains(id);
    }

    int count() {
      return (int) healthy.stream().filter(ready::contains).count();
    }

    boolean running(String id) {
      if (healthChecks) {
        return false;
      }
      boolean before = counts(id);
      healthy.add(id);
      if (!readinessChecks) {
        ready.add(id);
      }
      return !before && counts(id);
    }

    boolean health(String id, boolean verdict) {
      if (!healthChecks || !verdict || healthy.contains(id)) {
        return false;
      }
      boolean before = counts(id);
      healthy.add(id);
      if (!readinessChecks) {
        ready.add(id);
      }
      return !before && counts(id);
    }

    boolean readiness(String id, boolean verdict) {
      if (!verdict || ready.contains(id)) {
        return false;
      }
      boolean before = counts(id);
      ready.add(id);
      return !before && counts(id);
    }

    void reconcile(String id, Boolean healthyVerdict) {
      if (!healthChecks || Boolean.TRUE.equals(healthyVerdict)) {
        healthy.add(id);
      }
      if (!readinessChecks) {
        ready.add(id);
      }
    }

    void terminated(String id) {
      healthy.remove(id);
      ready.remove(id);
    }
  }

  @ParameterizedTest(name = "health checks {0}, readiness checks {1}, seed {2}")
  @CsvSource({
      "false, false, 1", "true, false, 2", "false, true, 3", "true, true, 4",
      "false, false, 5", "true, false, 6", "false, true, 7", "true, true, 8"})
  void countsWhatIsHealthyAndReadyAfterEveryFact(boolean healthChecks, boolean readinessChecks, long seed) {
    App base = app("/svc", 30, "svc", T0);
    App app = readinessChecks ? withReadinessCheck(healthChecks ? withHealthCheck(base) : base)
        : healthChecks ? withHealthCheck(base) : base;
    ReadinessTracker tracker = new ReadinessTracker(app);
    Model model = new Model(healthChecks, readinessChecks);
    Random random = new Random(seed);
    List<Command> out = new ArrayList<>();
    for (int step = 0; step < 5_000; step++) {
      String id = "i" + random.nextInt(30);
      int op = random.nextInt(6);
      String what = "step " + step + ": op " + op + " on " + id;
      switch (op) {
        case 0 -> assertThat(tracker.running(id, out)).as(what).isEqualTo(model.running(id));
        case 1 -> {
          boolean verdict = random.nextInt(4) > 0;
          assertThat(tracker.health(id, verdict)).as(what).isEqualTo(model.health(id, verdict));
        }
        case 2 -> {
          boolean verdict = random.nextInt(4) > 0;
          assertThat(tracker.readiness(new ReadinessCheckResult("readiness", id, verdict, null))).as(what)
              .isEqualTo(model.readiness(id, verdict));
        }
        case 3 -> {
          Boolean verdict = random.nextInt(3) == 0 ? null : random.nextBoolean();
          tracker.reconcile(new InstanceStatus(id, app.id(), app.version(), InstanceStatus.Condition.RUNNING, T0,
              verdict), out);
          model.reconcile(id, verdict);
        }
        default -> {
          tracker.terminated(id);
          model.terminated(id);
        }
      }
      assertThat(tracker.count()).as(what).isEqualTo(model.count());
    }
    assertThat(model.count()).as("the sequence reached instances that count").isPositive();
  }
}
