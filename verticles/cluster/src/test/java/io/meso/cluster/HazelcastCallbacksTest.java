package io.meso.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast's future callbacks (registry writes, CP session calls) run on a pool, never on a new
 * thread each, which is what Hazelcast does by itself when the common pool has a single thread
 * (machines with two cores or fewer, like the one these tests run on).
 */
class HazelcastCallbacksTest {

  @Test
  void callbacksRunOnAPoolOnceAMesoHazelcastConfigExists() {
    MesoCluster.hazelcastConfig(ClusterOptions.loopbackForTest());
    String thread = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(),
        ConcurrencyUtil.getDefaultAsyncExecutor()).join();
    if (ForkJoinPool.getCommonPoolParallelism() > 1) {
      assertThat(ConcurrencyUtil.getDefaultAsyncExecutor()).isSameAs(ForkJoinPool.commonPool());
    } else {
      assertThat(thread).startsWith("meso-hz-callback-");
    }
    assertThat(thread).doesNotMatch("Thread-\\d+");
  }
}
