package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cli.JobsNode;
import io.meso.cluster.MesoCluster;
import io.meso.jobs.runtime.JobsFramework;
import io.meso.jobs.runtime.JobsOptions;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A jobs framework taking over while the master does not take its subscription yet (right after a
 * failover; or its call was in flight when the leader announced itself, and failed so that it is
 * retried) subscribes again until it is in, rather than failing its takeover: a failed takeover
 * makes {@code meso master} step down, and the masters of a cluster starting together once
 * stepped down in turn until none was left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JobsTakeoverTest {

  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTakeoverBeforeTheMasterTakesSubscriptionsSubscribesOnceItDoes() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    JobsNode node = JobsNode.mount(vertx, Router.router(vertx), () -> null, new ManualClock(JobsFixture.T0),
        new JobsOptions().setUser(""));
    io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
    vertx.deployVerticle(registry).await(30, TimeUnit.SECONDS);

    java.util.concurrent.atomic.AtomicInteger subscribes = new java.util.concurrent.atomic.AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (io.meso.codecs.Addresses.SCHEDULER.equals(ctx.message().address())
          && ctx.message().body() instanceof io.meso.v1.scheduler.Call call
          && call.getType() == io.meso.v1.scheduler.Call.Type.SUBSCRIBE) {
        subscribes.incrementAndGet();
      }
      ctx.next();
    });

    // No master yet: the subscription is answered "unavailable" (nothing consumes the scheduler address).
    Future<JobsFramework> leading = node.leadLocally(registry);
    await().atMost(Duration.ofSeconds(30)).until(() -> subscribes.get() >= 2 || leading.isComplete());
    assertThat(leading.isComplete()).as("the takeover waits for a master: %s", leading.cause()).isFalse();

    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    JobsFramework framework = leading.await(60, TimeUnit.SECONDS);
    assertThat(framework.frameworkId()).isNotNull();
  }
}
