package io.meso.doors;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.agent.AgentOptions;
import io.meso.api.http.SchedulerHttpApi;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.codecs.ProtoJson;
import io.meso.codecs.StatusCodes;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.OperatorGrpcClient;
import io.meso.proto.SchedulerGrpcClient;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.testkit.OnContext;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-JVM master (with its API server and the operator HTTP API, wired as the launcher does)
 * and one agent, and a way to send one call through each {@link Door} and read back a
 * {@link Reply}. Before any bad call it subscribes one framework per scheduler door (HTTP, gRPC,
 * event bus) and launches two tasks through gRPC, one left running and one finished; after the
 * test class, {@link #assertAcceptedStateIntact()} checks the master still has all of it. A test
 * class registers it as a static {@code @RegisterExtension} field: started before its tests,
 * checked and stopped after them.
 */
public final class BadInputFixture implements BeforeAllCallback, AfterAllCallback {

  /** A task the fixture launched that keeps running, and one that ran to the end. */
  public static final String RUNNING_TASK = "kept-running";
  public static final String FINISHED_TASK = "kept-finished";
  /** What {@link #FINISHED_TASK} wrote to its stdout. */
  public static final String FINISHED_OUTPUT = "hi-from-kept-finished";

  private static final long WAIT_SECONDS = 30;
  private static final String SCHEDULER_PATH = "/api/v1/scheduler";

  /** Which subscription a scheduler call presents: the door's own, a stranger's, or none. */
  public enum Credential { OWN, STRANGER, NONE }

  /** A framework subscribed through one door: its id and what proves its subscription there. */
  public record Session(String frameworkId, String credential) {}

  private Vertx vertx;
  private io.meso.master.MasterVerticle master;
  private int port;
  private SocketAddress server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private GrpcClient grpc;
  private GrpcSchedulerClient grpcScheduler;
  private GrpcOperatorClient operator;
  private FrameworkRecorder grpcFramework;
  private Session grpcSession;
  private Session httpSession;
  private Session busSession;
  private InputStream httpStream;
  private MessageConsumer<Event> busEvents;

  private void open(Vertx vertx, Nodes.Master master) throws Exception {
    this.vertx = vertx;
    this.master = master.verticle();
    this.port = master.port();
    this.server = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    this.grpc = GrpcClient.client(vertx);
    this.operator = new GrpcOperatorClient(vertx, server);
    this.grpcScheduler = new GrpcSchedulerClient(vertx, server);
    this.grpcFramework = new FrameworkRecorder(grpcScheduler);
    String grpcId = grpcScheduler.subscribe(FrameworkInfo.newBuilder().setName("doors-grpc").setUser("").build(),
        grpcFramework::onEvent).await(WAIT_SECONDS, TimeUnit.SECONDS).getValue();
    this.grpcSession = new Session(grpcId, grpcScheduler.streamId());
    // Both tasks from the first offer, before other frameworks hold the agent's resources.
    Offer offer = grpcFramework.awaitOffer(0);
    grpcScheduler.accept(List.of(offer.getId()), List.of(Launches.launch(
            Launches.task(RUNNING_TASK, offer, "sleep 600", 0.1, 32),
            Launches.task(FINISHED_TASK, offer, "echo " + FINISHED_OUTPUT, 0.1, 32))), null)
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
    grpcFramework.awaitUpdate(RUNNING_TASK, TaskState.TASK_RUNNING);
    grpcFramework.awaitUpdate(FINISHED_TASK, TaskState.TASK_FINISHED);

    HttpResponse<InputStream> subscribed = http.send(HttpRequest.newBuilder(uri(SCHEDULER_PATH))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.toJson(subscribe("doors-http"))))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(subscribed.statusCode()).isEqualTo(200);
    this.httpStream = subscribed.body();
    String subscribedEvent = new String(readRecord(httpStream), StandardCharsets.UTF_8);
    Event.Builder event = ProtoJson.merge(subscribedEvent, Event.newBuilder());
    this.httpSession = new Session(event.getSubscribed().getFrameworkId().getValue(),
        subscribed.headers().firstValue(SchedulerHttpApi.STREAM_ID_HEADER).orElseThrow());
    Thread drain = new Thread(this::drainHttpStream, "doors-http-stream");
    drain.setDaemon(true);
    drain.start();

    String busAddress = "meso.doors.events." + UUID.randomUUID();
    Promise<String> busSubscribed = Promise.promise();
    this.busEvents = vertx.eventBus().consumer(busAddress, m -> {
      if (m.replyAddress() != null) {
        m.reply(null);
      }
      if (m.body().getType() == Event.Type.SUBSCRIBED) {
        busSubscribed.tryComplete(m.body().getSubscribed().getFrameworkId().getValue());
      }
    });
    busEvents.completion().await(WAIT_SECONDS, TimeUnit.SECONDS);
    vertx.eventBus().request(Addresses.SCHEDULER, subscribe("doors-bus"),
        new DeliveryOptions().addHeader(Addresses.EVENTS_HEADER, busAddress)).await(WAIT_SECONDS, TimeUnit.SECONDS);
    this.busSession = new Session(busSubscribed.future().await(WAIT_SECONDS, TimeUnit.SECONDS), busAddress);
  }

  /** Starts the master, agent and API server on 127.0.0.1 and a random port, and the sessions. */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    try {
      Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
          new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(WAIT_SECONDS, TimeUnit.SECONDS);
      Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-doors").toString())
          .setResources("cpus:2;mem:1024;disk:100")).await(WAIT_SECONDS, TimeUnit.SECONDS);
      open(vertx, master);
    } catch (Exception | AssertionError e) {
      vertx.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Checks the master kept what it accepted ({@link #assertAcceptedStateIntact()}), then stops it all. */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (vertx == null) {
      return;
    }
    try {
      assertAcceptedStateIntact();
    } finally {
      try {
        if (httpStream != null) {
          httpStream.close();
        }
      } catch (IOException e) {
        // The stream is going away with the server anyway.
      }
      vertx.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public GrpcOperatorClient operatorClient() {
    return operator;
  }

  public io.meso.master.MasterVerticle master() {
    return master;
  }

  /** Every event the gRPC door's framework received (its updates acknowledged). */
  public FrameworkRecorder grpcFramework() {
    return grpcFramework;
  }

  /** The framework subscribed through {@code door} (both HTTP doors share one subscription). */
  public Session session(Door door) {
    return switch (door) {
      case HTTP_JSON, HTTP_PROTOBUF -> httpSession;
      case GRPC -> grpcSession;
      case EVENT_BUS -> busSession;
    };
  }

  private static Call subscribe(String name) {
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName(name).setUser(""))).build();
  }

  // ---- scheduler calls ------------------------------------------------------------------

  /** What a call through {@code door} presents as its subscription: the door's own, a made-up one, or none (null). */
  public String proof(Door door, Credential credential) {
    return switch (credential) {
      case OWN -> session(door).credential();
      case STRANGER -> door == Door.EVENT_BUS ? "meso.doors.events." + UUID.randomUUID() : UUID.randomUUID().toString();
      case NONE -> null;
    };
  }

  /**
   * Sends a scheduler call other than SUBSCRIBE through {@code door}, presenting {@code proof} as
   * its subscription (the Mesos-Stream-Id header, the mesos-stream-id metadata, the
   * subscription's events address; none when null). {@code json}, when not null, is the JSON
   * body the HTTP_JSON door sends instead of {@code call} (for what a Call cannot hold, such as an
   * unknown type name).
   */
  public Reply send(Door door, Call call, String json, String proof) throws Exception {
    return switch (door) {
      case HTTP_JSON -> post(SCHEDULER_PATH, "application/json", proof,
          (json != null ? json : ProtoJson.toJson(call)).getBytes(StandardCharsets.UTF_8));
      case HTTP_PROTOBUF -> post(SCHEDULER_PATH, "application/x-protobuf", proof, call.toByteArray());
      case GRPC -> grpcUnary(SchedulerGrpcClient.Send, call,
          proof == null ? Map.of() : Map.of(Addresses.GRPC_STREAM_ID, proof));
      case EVENT_BUS -> bus(Addresses.SCHEDULER, call, proof == null ? new DeliveryOptions()
          : new DeliveryOptions().addHeader(Addresses.SUBSCRIPTION_HEADER, proof));
    };
  }

  /**
   * Sends a SUBSCRIBE call through {@code door} as a new subscriber. A subscription that is
   * accepted (a 200 stream) is closed at once; only refusals are read in full.
   */
  public Reply subscribe(Door door, Call call) throws Exception {
    return switch (door) {
      case HTTP_JSON, HTTP_PROTOBUF -> {
        boolean json = door == Door.HTTP_JSON;
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri(SCHEDULER_PATH))
            .header("Content-Type", json ? "application/json" : "application/x-protobuf")
            .header("Accept", json ? "application/json" : "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json ? ProtoJson.toJson(call).getBytes(StandardCharsets.UTF_8)
                : call.toByteArray()))
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
          yield new Reply(r.statusCode(), r.statusCode() == 200 ? ""
              : new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      case GRPC -> OnContext.run(vertx, () -> grpc.request(server, SchedulerGrpcClient.Subscribe)
              .compose(req -> req.end(call).compose(v -> req.response()).map(resp -> {
                if (resp.status() != null) {
                  return new Reply(StatusCodes.toCode(resp.status()), String.valueOf(resp.statusMessage()));
                }
                req.cancel();
                return new Reply(200, "");
              })))
          .await(WAIT_SECONDS, TimeUnit.SECONDS);
      case EVENT_BUS -> bus(Addresses.SCHEDULER, call, new DeliveryOptions()
          .addHeader(Addresses.EVENTS_HEADER, "meso.doors.events." + UUID.randomUUID()));
    };
  }

  // ---- operator calls -------------------------------------------------------------------

  /**
   * Sends one operator call: {@code action} with {@code request} over gRPC (the Operator method
   * of that name) and the event bus, {@code json} on POST /api/v1 (HTTP_JSON).
   */
  @SuppressWarnings("unchecked")
  public Reply operator(Door door, String action, com.google.protobuf.Message request, String json) throws Exception {
    return switch (door) {
      case HTTP_JSON -> post("/api/v1", "application/json", null, json.getBytes(StandardCharsets.UTF_8));
      case GRPC -> grpcUnary((ServiceMethod<Object, com.google.protobuf.Message>) OperatorGrpcClient.class
          .getField(action).get(null), request, Map.of());
      case EVENT_BUS -> bus(Addresses.OPERATOR, request, new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, action));
      case HTTP_PROTOBUF -> throw new IllegalArgumentException("the operator HTTP API takes JSON only");
    };
  }

  /** Sends {@code body} to an event-bus address as any node may: {@link Addresses#OPERATOR}, MASTER... */
  public Reply bus(String address, Object body, DeliveryOptions options) throws Exception {
    return vertx.eventBus().request(address, body, options.setSendTimeout(WAIT_SECONDS * 1000))
        .map(m -> new Reply(200, ""))
        .recover(e -> Future.succeededFuture(e instanceof ReplyException re
            ? new Reply(re.failureCode(), String.valueOf(re.getMessage()))
            : new Reply(500, e.toString())))
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  // ---- after a table --------------------------------------------------------------------

  /**
   * The master is still up and still has what it accepted before the bad calls: every door's
   * framework subscribed and connected, and able to call through its own door; the running task
   * running and the finished task remembered.
   */
  public void assertAcceptedStateIntact() throws Exception {
    GetStateResponse state = operator.getState().await(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(state.getAgentsList()).hasSize(1);
    for (Session s : List.of(grpcSession, httpSession, busSession)) {
      assertThat(state.getFrameworksList()).as("framework %s", s.frameworkId())
          .anyMatch(f -> f.getFrameworkInfo().getId().getValue().equals(s.frameworkId()) && f.getConnected());
    }
    GetTasksResponse tasks = operator.getTasks(true).await(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(tasks.getTasksList()).anyMatch(t -> t.getTask().getTaskId().getValue().equals(RUNNING_TASK)
        && t.getTask().getState() == TaskState.TASK_RUNNING);
    assertThat(tasks.getTasksList()).anyMatch(t -> t.getTask().getTaskId().getValue().equals(FINISHED_TASK)
        && t.getTask().getState() == TaskState.TASK_FINISHED);
    for (Door door : Door.SCHEDULER) {
      Reply revive = send(door, Call.newBuilder().setType(Call.Type.REVIVE)
          .setFrameworkId(FrameworkID.newBuilder().setValue(session(door).frameworkId())).build(), null,
          session(door).credential());
      assertThat(revive.succeeded()).as("REVIVE through %s after the table: %s", door, revive).isTrue();
    }
  }

  // ---- transports -----------------------------------------------------------------------

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private Reply post(String path, String contentType, String streamId, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (streamId != null) {
      b.header(SchedulerHttpApi.STREAM_ID_HEADER, streamId);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private <Req, Resp> Reply grpcUnary(ServiceMethod<Resp, Req> method, Req request, Map<String, String> metadata)
      throws Exception {
    return OnContext.run(vertx, () -> grpc.request(server, method)
            .compose(req -> {
              metadata.forEach((k, v) -> req.headers().set(k, v));
              return req.end(request).compose(v -> req.response());
            })
            .compose(resp -> resp.last().map(x -> new Reply(200, ""))
                .recover(e -> Future.succeededFuture(resp.status() == null ? new Reply(500, e.toString())
                    : new Reply(StatusCodes.toCode(resp.status()), String.valueOf(resp.statusMessage()))))))
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** One RecordIO record: its length in decimal, a newline, then that many bytes. */
  private static byte[] readRecord(InputStream in) throws IOException {
    int length = 0;
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the event stream ended");
      }
      length = length * 10 + (c - '0');
    }
    return in.readNBytes(length);
  }

  /** Reads and drops the HTTP framework's later events, so the server never waits on this client. */
  private void drainHttpStream() {
    byte[] buffer = new byte[8192];
    try {
      while (httpStream.read(buffer) >= 0) {
        // dropped
      }
    } catch (IOException e) {
      // Closed by close().
    }
  }
}
