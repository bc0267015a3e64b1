package io.meso.services.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.placement.RollingRestart.Step;
import org.junit.jupiter.api.Test;

/**
 * The replace arithmetic, driven through the scenarios of Marathon's TaskReplaceActorTest: each
 * kill is confirmed (the old instance terminates) right after it is asked for, as that test's
 * tracker does.
 */
class RollingRestartTest {

  /** Asserts a step's kills and starts and returns its next state. */
  static RollingRestart expect(Step step, int kill, int start) {
    assertThat(step.killNow()).as("kill").isEqualTo(kill);
    assertThat(step.startNow()).as("start").isEqualTo(start);
    return step.next();
  }

  @Test
  void withoutOverCapacity() {
    // 3 instances, (0.5, 0.0): minHealthy = ceil(1.5) = 2, maxCapacity = 3; kill 3 - 2 = 1 at once.
    RollingRestart s = expect(RollingRestart.begin(3, 0.5, 0.0, 3, 0, 3), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    assertThat(s.finished()).isFalse();
    s = expect(s.newInstanceHealthy(), 0, 0);
    assertThat(s.finished()).isTrue();
  }

  @Test
  void minimalOverCapacityWhenMinHealthyEqualsMaxCapacity() {
    // 3 instances, (1.0, 0.0): minHealthy = maxCapacity = 3, so one extra is allowed: maxCapacity 4.
    RollingRestart s = expect(RollingRestart.begin(3, 1.0, 0.0, 3, 0, 3), 0, 1);
    assertThat(s.maxCapacity()).isEqualTo(4);
    for (int i = 0; i < 2; i++) {
      s = expect(s.newInstanceHealthy(), 1, 0);
      s = expect(s.oldInstanceTerminated(), 0, 1);
    }
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 0);
    assertThat(s.finished()).isTrue();
  }

  @Test
  void twoThirdsOverCapacity() {
    // 3 instances, (1.0, 0.7): maxCapacity = floor(5.1) = 5: two new ones at once.
    RollingRestart s = expect(RollingRestart.begin(3, 1.0, 0.7, 3, 0, 3), 0, 2);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 0);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 0);
    assertThat(s.finished()).isTrue();
  }

  @Test
  void downscaleWithOverCapacity() {
    // 4 old, 3 wanted, (1.0, 0.3): minHealthy 3, maxCapacity floor(3.9) = 3 = minHealthy → 4;
    // one surplus instance killed at once, nothing started until it is gone.
    RollingRestart s = expect(RollingRestart.begin(3, 1.0, 0.3, 4, 0, 4), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    for (int i = 0; i < 2; i++) {
      s = expect(s.newInstanceHealthy(), 1, 0);
      s = expect(s.oldInstanceTerminated(), 0, 1);
    }
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 0);
    assertThat(s.finished()).isTrue();
  }

  @Test
  void defaultOverCapacityStartsAllAtOnce() {
    // 3 instances, (0.5, 1.0): minHealthy 2, maxCapacity 6: kill 1, queue all 3 new ones directly.
    RollingRestart s = expect(RollingRestart.begin(3, 0.5, 1.0, 3, 0, 3), 1, 3);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.newInstanceHealthy(), 0, 0);
    assertThat(s.finished()).isFalse();
    for (int i = 0; i < 3; i++) {
      s = expect(s.oldInstanceTerminated(), 0, 0);
    }
    assertThat(s.finished()).isTrue();
  }

  @Test
  void restartPickedUpWithANewInstanceNotYetHealthy() {
    // "respect upgrade strategy": 2 instances, (0.5, 0): old A healthy, new B started but unhealthy.
    // Nothing is killed until B turns healthy (MARATHON-8716).
    RollingRestart s = expect(RollingRestart.begin(2, 0.5, 0.0, 1, 1, 1), 0, 0);
    s = expect(s.newInstanceHealthy(), 1, 0);
    s = expect(s.oldInstanceTerminated(), 0, 1);
    s = expect(s.newInstanceHealthy(), 0, 0);
    assertThat(s.finished()).isTrue();
  }

  @Test
  void ceilAndFloorAreMarathonsDoubles() {
    // 25 × 0.28 is 7.000000000000001 in doubles, so minHealthy is 8 and 25 - 8 = 17 die at once.
    assertThat(RollingRestart.begin(25, 0.28, 0.0, 25, 0, 25).killNow()).isEqualTo(17);
    // 45 × 1.4 is 62.99999999999999, so maxCapacity is 62, not 63.
    assertThat(RollingRestart.begin(45, 1.0, 0.4, 45, 0, 45).next().maxCapacity()).isEqualTo(62);
    // ceil(3 × 0.7) = 3 (docs/docs/deployments.md): nothing dies at once.
    assertThat(RollingRestart.begin(3, 0.7, 0.0, 3, 0, 3).killNow()).isZero();
    // minimumHealthCapacity 0: every healthy old instance dies at once.
    assertThat(RollingRestart.begin(4, 0.0, 0.0, 4, 0, 4).killNow()).isEqualTo(4);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RollingRestart.begin(0, 1, 1, 0, 0, 0)).hasMessageContaining("target");
    RollingRestart done = RollingRestart.begin(1, 0, 0, 0, 0, 0).next();
    assertThatThrownBy(done::oldInstanceTerminated).hasMessageContaining("no old instance");
  }
}
