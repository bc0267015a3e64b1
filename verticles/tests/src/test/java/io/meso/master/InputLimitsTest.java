package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.codecs.Addresses;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Oversized task names, labels, ids and commands are refused (TASK_ERROR) with the field, the
 * value (truncated) and the limit; the master keeps serving and its state stays small. Oversized
 * SUBSCRIBE and operator calls, refused on the call itself, are rows of the tables in
 * {@code io.meso.doors}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InputLimitsTest {

  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.meso.it.LocalMasterAndAgent.start("meso-input-limits", "cpus:2;mem:1024");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static String big(int n) {
    return "x".repeat(n);
  }

  static Labels label(String key, String value) {
    return Labels.newBuilder().addLabels(Label.newBuilder().setKey(key).setValue(value)).build();
  }

  static Object operator(String action, Object body) throws Exception {
    return vertx.eventBus().request(Addresses.OPERATOR, body, new DeliveryOptions()
        .addHeader(Addresses.ACTION_HEADER, action)).await(30, TimeUnit.SECONDS).body();
  }

  @Test
  void oversizedTasksAreRefusedAndTheStateStaysSmall() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("big-tasks").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    record Case(String id, UnaryOperator<TaskInfo.Builder> change, String expected) {}
    List<String> manyArgs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      manyArgs.add("a");
    }
    List<Case> cases = List.of(
        new Case("labels", t -> t.setLabels(label("k", big(7 * 1024 * 1024))), ".labels[0].value is 7340032 bytes"),
        new Case("label-key", t -> t.setLabels(label(big(1000), "v")), ".labels[0].key is 1000 bytes"),
        new Case("name", t -> t.setName(big(5000)), ".name is 5000 bytes"),
        new Case("command", t -> t.setCommand(CommandInfo.newBuilder().setValue(big(100_000))),
            ".command.value is 100000 bytes"),
        new Case("args", t -> t.setCommand(CommandInfo.newBuilder().setShell(false).setValue("/bin/true")
            .addAllArguments(manyArgs)), ".command.arguments has 2000 entries; at most 1024"),
        new Case("env", t -> t.setCommand(CommandInfo.newBuilder().setValue("true").setEnvironment(
            Environment.newBuilder().addVariables(Environment.Variable.newBuilder().setName("A").setValue(big(70_000))))),
            ".command.environment total 70001 bytes"),
        new Case("resources", t -> {
          for (int i = 0; i < 200; i++) {
            t.addResources(Launches.scalar("custom" + i, 1));
          }
          return t;
        }, ".resources has 202 entries; at most 128"));
    List<io.meso.v1.Offer.Operation> ops = new ArrayList<>();
    for (Case c : cases) {
      ops.add(Launches.launch(c.change().apply(Launches.task(c.id(), offer, "true", 0.1, 32).toBuilder()).build()));
    }
    String longId = big(300);
    ops.add(Launches.launch(Launches.task("x", offer, "true", 0.1, 32).toBuilder()
        .setTaskId(TaskID.newBuilder().setValue(longId)).build()));
    ops.add(Launches.launch(Launches.task("fine", offer, "true", 0.1, 32)));
    client.accept(List.of(offer.getId()), ops, null).await(30, TimeUnit.SECONDS);
    for (Case c : cases) {
      TaskStatus error = framework.awaitUpdate(c.id(), s -> true);
      assertThat(error.getState()).as(c.id()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(error.getMessage()).as(c.id()).contains(c.expected()).contains("at most");
      assertThat(error.getMessage().length()).as(c.id()).isLessThan(400);
    }
    assertThat(framework.awaitUpdate(longId, s -> true).getMessage()).contains(".task_id is 300 bytes");
    // The master keeps serving: the valid task of the same call runs to the end.
    framework.awaitUpdate("fine", TaskState.TASK_FINISHED);
    GetStateResponse state = (GetStateResponse) operator("GetState", GetStateRequest.getDefaultInstance());
    assertThat(state.getSerializedSize()).isLessThan(64 * 1024);
    client.teardown().await(30, TimeUnit.SECONDS);
  }
}
