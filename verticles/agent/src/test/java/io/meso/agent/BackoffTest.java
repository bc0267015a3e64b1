package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

  // Nominal delays 100, 200, 400, 800, 1000, 1000: each draw lies in [nominal / 2, nominal].
  @RepeatedTest(20)
  void doublesWithEqualJitterUpToTheCap() {
    Backoff backoff = new Backoff(100, 1_000);
    long[] nominal = {100, 200, 400, 800, 1_000, 1_000};
    for (long n : nominal) {
      assertThat(backoff.next()).isBetween(n / 2, n);
    }
    backoff.reset();
    assertThat(backoff.next()).isBetween(50L, 100L);
  }
}
