package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With an offer timeout, an offer nobody answers is rescinded and its resources offered again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfferTimeoutTest {

  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)
        .setOfferTimeoutMillis(300))).await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-offer-timeout").toString())
        .setResources("cpus:1;mem:256"))).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void unansweredOfferIsRescindedAndReoffered() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("slow").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
    Offer first = framework.awaitOffer(0);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> framework.events.stream()
        .anyMatch(e -> e.getType() == Event.Type.RESCIND && e.getRescind().getOfferId().equals(first.getId())));
    Offer second = framework.awaitOffer(1);
    assertThat(second.getId()).isNotEqualTo(first.getId());
    assertThat(second.getAgentId()).isEqualTo(first.getAgentId());
    client.teardown().await(30, TimeUnit.SECONDS);
  }

  @Test
  void negativeTimeoutIsRefused() {
    assertThatThrownBy(() -> new MasterOptions().setOfferTimeoutMillis(-1))
        .hasMessageContaining("offerTimeoutMillis is -1");
    assertThat(io.meso.cli.Meso.run("master", "--offer-timeout", "-2")).isEqualTo(2);
    assertThat(io.meso.cli.Meso.run("master", "--framework-sorter", "fifo")).isEqualTo(2);
    assertThat(io.meso.cli.Meso.run("master", "--role-sorter", "lifo")).isEqualTo(2);
  }
}
