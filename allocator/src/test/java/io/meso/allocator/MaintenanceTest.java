package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Agents draining for maintenance get no new offers, with a named reason, until drained no more. */
class MaintenanceTest {

  private final AllocatorHarness h = new AllocatorHarness();

  @Test
  void aDrainingAgentGetsNoNewOffersEvenAfterReRegistering() {
    h.framework("f", "r").agent("a1", "cpus:1").agent("a2", "cpus:1");
    h.allocator.setDraining("a1", true);
    assertThat(h.run()).containsExactly("f/r@a2=cpus:1");
    assertThat(h.skips("f", SkipReason.MAINTENANCE)).isEqualTo(1);
    h.allocator.removeAgent("a1");
    h.agent("a1", "cpus:1"); // re-registers: still draining
    assertThat(h.run()).isEmpty();
    assertThat(h.skips("f", SkipReason.MAINTENANCE)).isEqualTo(2);
    h.allocator.setDraining("a1", false);
    assertThat(h.run()).containsExactly("f/r@a1=cpus:1");
  }

  @Test
  void tasksOnADrainingAgentKeepTheirResources() {
    h.framework("f", "r").agent("a1", "cpus:2", Map.of("f", Resources.parse("cpus:1")));
    h.allocator.setDraining("a1", true);
    assertThat(h.fullRun()).isEmpty();
    assertThat(h.allocator.allocated("f", "a1")).isEqualTo(Resources.parse("cpus:1"));
    assertThatThrownBy(() -> h.allocator.setDraining("", true)).hasMessageContaining("agent id is empty");
  }
}
