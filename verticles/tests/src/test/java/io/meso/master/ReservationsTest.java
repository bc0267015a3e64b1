package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.proto.AgentSummary;
import io.meso.codecs.Addresses;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskState;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic reservations through ACCEPT: RESERVE turns offered unreserved resources into
 * resources reserved for the framework's role, offered to that role only; UNRESERVE gives them
 * back. Invalid operations refuse the whole call and leave the offer usable.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReservationsTest {

  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.meso.it.LocalMasterAndAgent.start("meso-reservations", "cpus:4;mem:1024;disk:100");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static Resource cpus(double value, String role) {
    Resource.Builder r = Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value));
    if (role != null) {
      r.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role));
    }
    return r.build();
  }

  static Offer.Operation reserve(Resource... resources) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addAllResources(List.of(resources))).build();
  }

  static Offer.Operation unreserve(Resource... resources) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addAllResources(List.of(resources))).build();
  }

  static double reservedCpus(Offer offer, String role) {
    return offer.getResourcesList().stream()
        .filter(r -> r.getName().equals("cpus") && r.getReservationsCount() > 0
            && r.getReservations(r.getReservationsCount() - 1).getRole().equals(role))
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  static double unreservedCpus(Offer offer) {
    return offer.getResourcesList().stream()
        .filter(r -> r.getName().equals("cpus") && r.getReservationsCount() == 0)
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  private static void accept(EventBusSchedulerClient client, Offer offer, Offer.Operation... ops) throws Exception {
    client.accept(List.of(offer.getId()), List.of(ops), null).await(30, TimeUnit.SECONDS);
  }

  @Test
  void reserveOffersToTheRoleOnlyAndUnreserveGivesBack() throws Exception {
    EventBusSchedulerClient eng = new EventBusSchedulerClient(vertx);
    FrameworkRecorder engEvents = new FrameworkRecorder(eng);
    eng.subscribe(FrameworkInfo.newBuilder().setName("eng").setUser("").setRole("eng").build(), engEvents::onEvent)
        .await(30, TimeUnit.SECONDS);
    Offer first = engEvents.awaitOffer(0);
    assertThat(unreservedCpus(first)).isEqualTo(4.0);

    // Bad input: each refuses the call with 400 and leaves the offer outstanding.
    assertThatThrownBy(() -> accept(eng, first, reserve(cpus(1, "web"))))
        .hasMessageContaining("'web', which is not one of the framework's roles");
    assertThatThrownBy(() -> accept(eng, first, reserve(cpus(100, "eng"))))
        .hasMessageContaining("RESERVE needs cpus:100");
    assertThatThrownBy(() -> accept(eng, first, reserve(cpus(1, null))))
        .hasMessageContaining("has no reservation role");
    assertThatThrownBy(() -> accept(eng, first, unreserve(cpus(1, "eng"))))
        .hasMessageContaining("only dynamically reserved resources can be unreserved");

    // RESERVE one cpu and launch on it in the same call.
    accept(eng, first, reserve(cpus(1, "eng")), Launches.launch(Launches.task("on-reserved", first, "true", 0.5, 32)
        .toBuilder().clearResources().addResources(cpus(0.5, "eng")).addResources(Launches.scalar("mem", 32)).build()));
    engEvents.awaitUpdate("on-reserved", TaskState.TASK_FINISHED);
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT).until(() -> agentTotal().contains("cpus(eng):1"));
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT)
        .until(() -> engEvents.offers().stream().anyMatch(o -> reservedCpus(o, "eng") > 0));

    // Another role is never offered the reserved cpu: eng steps aside, web gets the 3 unreserved.
    eng.suppress().await(30, TimeUnit.SECONDS);
    eng.decline(engEvents.offers().stream().map(Offer::getId).toList(), 0).await(30, TimeUnit.SECONDS);
    EventBusSchedulerClient web = new EventBusSchedulerClient(vertx);
    FrameworkRecorder webEvents = new FrameworkRecorder(web);
    web.subscribe(FrameworkInfo.newBuilder().setName("web").setUser("").setRole("web").build(), webEvents::onEvent)
        .await(30, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT)
        .until(() -> webEvents.offers().stream().mapToDouble(ReservationsTest::unreservedCpus).sum() == 3.0);
    assertThat(webEvents.offers()).allSatisfy(o -> assertThat(reservedCpus(o, "eng")).isZero());
    web.teardown().await(30, TimeUnit.SECONDS);

    // UNRESERVE gives it back to everyone.
    int seen = engEvents.offers().size();
    eng.revive().await(30, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT).until(() -> engEvents.offers().stream()
        .skip(seen).anyMatch(o -> reservedCpus(o, "eng") == 1.0));
    Offer again = engEvents.offers().stream().skip(seen).filter(o -> reservedCpus(o, "eng") == 1.0).findFirst()
        .orElseThrow();
    accept(eng, again, unreserve(cpus(1, "eng")));
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !agentTotal().contains("(eng)"));
    assertThat(agentTotal()).contains("cpus:4");
    eng.teardown().await(30, TimeUnit.SECONDS);

    // Ended tasks are all-time counts, as in Mesos: the torn-down framework's task still counts.
    io.meso.proto.GetMetricsResponse metrics = (io.meso.proto.GetMetricsResponse) vertx.eventBus()
        .request(Addresses.OPERATOR, io.meso.proto.GetMetricsRequest.getDefaultInstance(),
            new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetMetrics"))
        .await(30, TimeUnit.SECONDS).body();
    assertThat(metrics.getMetricsMap().get("master/tasks_finished")).isEqualTo(1.0);
    assertThat(metrics.getMetricsMap().get("master/tasks_running")).isEqualTo(0.0);
  }

  private static String agentTotal() throws Exception {
    io.meso.proto.GetStateResponse state = (io.meso.proto.GetStateResponse) vertx.eventBus()
        .request(Addresses.OPERATOR, io.meso.proto.GetStateRequest.getDefaultInstance(),
            new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetState"))
        .await(30, TimeUnit.SECONDS).body();
    AgentSummary agent = state.getAgents(0);
    return io.meso.allocator.Resources.fromProto(agent.getTotalList()).toString();
  }
}
