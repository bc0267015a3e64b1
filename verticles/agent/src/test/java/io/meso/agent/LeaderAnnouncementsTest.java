package io.meso.agent;

import io.meso.codecs.Addresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every agent of a Vert.x instance hears each new-leader announcement once, through one shared
 * consumer of {@link Addresses#MASTER_ELECTED}; an agent that stops no longer hears them,
 * and the others keep hearing them (the shared consumer is nobody's verticle's).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderAnnouncementsTest {

  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = MesoCluster.startLocal(new VertxOptions());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Stands in for an agent: subscribes when deployed, records what it hears. */
  static final class Listening extends VerticleBase {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> start() {
      return LeaderAnnouncements.subscribe(vertx, heard::add);
    }
  }

  @Test
  void eachAgentHearsEveryAnnouncementOnceAndAStoppedOneNoLonger() throws Exception {
    Listening first = new Listening();
    Listening second = new Listening();
    String firstId = vertx.deployVerticle(first).await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(second).await(10, TimeUnit.SECONDS);

    vertx.eventBus().publish(Addresses.MASTER_ELECTED, "127.0.0.1:5050");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.heard.size() == 1 && second.heard.size() == 1);
    assertThat(first.heard).containsExactly("127.0.0.1:5050");
    assertThat(second.heard).containsExactly("127.0.0.1:5050");
    vertx.eventBus().publish(Addresses.MASTER_ELECTED, "probe");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.heard.size() == 2 && second.heard.size() == 2);

    // The first subscriber (whose context registered the shared consumer) stops: the other still hears.
    vertx.undeploy(firstId).await(10, TimeUnit.SECONDS);
    vertx.eventBus().publish(Addresses.MASTER_ELECTED, "127.0.0.1:5051");
    await().atMost(Duration.ofSeconds(10)).until(() -> second.heard.contains("127.0.0.1:5051"));
    assertThat(second.heard).containsExactly("127.0.0.1:5050", "probe", "127.0.0.1:5051");
    assertThat(first.heard).containsExactly("127.0.0.1:5050", "probe");
  }
}
