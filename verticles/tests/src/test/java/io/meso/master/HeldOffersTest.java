package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.GetOfferSkipsRequest;
import io.meso.proto.GetOfferSkipsResponse;
import io.meso.proto.HeldOffer;
import io.meso.codecs.Addresses;
import io.meso.it.FrameworkRecorder;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * By default an unanswered offer is rescinded after a minute (an idle framework cannot hold the
 * cluster), and GetOfferSkips says which framework holds which agent's resources, since when, and
 * when they will be rescinded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldOffersTest {

  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.meso.it.LocalMasterAndAgent.start("meso-held-offers", "cpus:1;mem:256");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void offersTimeOutByDefault() {
    assertThat(new MasterOptions().getOfferTimeoutMillis()).isEqualTo(60_000);
    assertThat(MasterOptions.DEFAULT_OFFER_TIMEOUT_MILLIS).isPositive();
  }

  @Test
  void offerSkipsSayWhoHoldsTheResourcesAndUntilWhen() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder idle = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("idle").setUser("").build(), idle::onEvent)
        .await(30, TimeUnit.SECONDS);
    Offer offer = idle.awaitOffer(0);

    GetOfferSkipsResponse skips = (GetOfferSkipsResponse) vertx.eventBus().request(Addresses.OPERATOR,
        GetOfferSkipsRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetOfferSkips")).await(30, TimeUnit.SECONDS).body();
    assertThat(skips.getHeldOffersList()).hasSize(1);
    HeldOffer held = skips.getHeldOffers(0);
    assertThat(held.getOfferId()).isEqualTo(offer.getId());
    assertThat(held.getFrameworkName()).isEqualTo("idle");
    assertThat(held.getAgentId()).isEqualTo(offer.getAgentId());
    assertThat(held.getExpiresAt() - held.getOfferedAt()).isCloseTo(60.0, org.assertj.core.api.Assertions.within(0.01));
    assertThat(held.getMessage()).contains("held in offer " + offer.getId().getValue())
        .contains("framework 'idle'").contains("since").contains("rescinded at");
    client.teardown().await(30, TimeUnit.SECONDS);
  }
}
