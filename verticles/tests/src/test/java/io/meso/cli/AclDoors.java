package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.api.http.SchedulerHttpApi;
import io.meso.api.server.ApiServerOptions;
import io.meso.codecs.Addresses;
import io.meso.codecs.ProtoJson;
import io.meso.master.MasterOptions;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.ClientCredentials;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.scheduler.SchedulerClient;
import io.meso.security.acl.Acls;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.PasswordHash;
import io.meso.testkit.OnContext;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A master with its API server (operator HTTP API, UI, /v2 and /v1/scheduler mounted as
 * {@code meso local} mounts them) and one agent on 127.0.0.1, with a credentials file of bcrypt
 * hashes and an ACL file; and one client per door, each presenting a principal's credentials:
 * scheduler sessions over HTTP, gRPC and the event bus ({@link SchedulerDoor}), operator calls
 * over HTTP, gRPC and the event bus, and the operator and UI event streams. A refusal on any door
 * is a {@link Refused} with the door's status (HTTP status; gRPC and event-bus codes as the SDK
 * maps them: PERMISSION_DENIED and failure code 403 are 403).
 */
final class AclDoors implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String ME = System.getProperty("user.name");

  /** A door's refusal: its status and message. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(status + " " + message, null, false, false);
      this.status = status;
    }
  }

  final Vertx vertx;
  final int port;
  final String agentId;
  final String agentHostname;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, String> secrets;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  private AclDoors(Vertx vertx, int port, Map<String, String> secrets) throws Exception {
    this.vertx = vertx;
    this.port = port;
    this.secrets = secrets;
    Awaitility.await().atMost(WAIT).until(() -> !((GetStateResponse) operatorBus("GetState",
        GetStateRequest.getDefaultInstance(), "ops")).getAgentsList().isEmpty());
    GetStateResponse state = (GetStateResponse) operatorBus("GetState", GetStateRequest.getDefaultInstance(), "ops");
    this.agentId = state.getAgents(0).getAgentInfo().getId().getValue();
    this.agentHostname = state.getAgents(0).getAgentInfo().getHostname();
  }

  /**
   * Starts it all: {@code secrets} (principal to secret) become the credentials file, hashed as
   * {@code meso hash-password} hashes them; {@code acls} is the ACL file's text.
   */
  static AclDoors start(Map<String, String> secrets, String acls) throws Exception {
    Path dir = Files.createTempDirectory("meso-acl-doors");
    StringBuilder lines = new StringBuilder();
    secrets.forEach((p, s) -> lines.append(p).append(':').append(PasswordHash.bcrypt(s.toCharArray(), 4)).append('\n'));
    Path credentials = Files.writeString(dir.resolve("credentials"), lines);
    Path aclFile = Files.writeString(dir.resolve("acls.json"), acls);
    Authenticator authenticator = Authenticator.fromFiles(credentials, List.of(), null, null, Duration.ofSeconds(5));
    Acls parsed = Acls.load(aclFile);
    Vertx vertx = io.meso.cluster.MesoCluster.startLocal(new VertxOptions());
    try {
      Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100)
              .setAuthenticator(authenticator).setAcls(parsed),
          new ApiServerOptions().setHost("127.0.0.1").setPort(0).setAuthenticator(authenticator).setAcls(parsed))
          .await(30, TimeUnit.SECONDS);
      Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-acl-doors-agent").toString())
          .setResources("cpus:4;mem:2048;disk:200")).await(30, TimeUnit.SECONDS);
      // /v2 and /v1/scheduler as meso local mounts them, their state in a private registry.
      io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
      vertx.deployVerticle(registry).await(60, TimeUnit.SECONDS);
      long fence = registry.elected().await(60, TimeUnit.SECONDS);
      String leader = "127.0.0.1:" + master.port();
      ServicesNode.mount(vertx, master.api().router(), leader, () -> leader, parsed)
          .lead(registry.registry(), fence, why -> { }).await(60, TimeUnit.SECONDS);
      JobsNode.mount(vertx, master.api().router(), null, () -> leader, java.time.Clock.systemUTC(),
              new io.meso.jobs.runtime.JobsOptions().setUser("").setDefaults(io.meso.jobs.job.JobDefaults.MESO), parsed)
          .leadLocally(registry).await(60, TimeUnit.SECONDS);
      return new AclDoors(vertx, master.port(), Map.copyOf(secrets));
    } catch (Exception | AssertionError e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // Going away with the server anyway.
      }
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * Starts one more (small) agent advertising {@code hostname}, for an operator to mark gone or a
   * view_agents rule to name; returns its id once the master registered it.
   */
  String deployAgent(String hostname) throws Exception {
    io.meso.agent.AgentVerticle agent = new io.meso.agent.AgentVerticle(new AgentOptions().setHostname(hostname)
        .setServeHttp(false).setWorkDir(Files.createTempDirectory("meso-acl-doors-" + hostname).toString())
        .setResources("cpus:0.5;mem:64;disk:10"));
    vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    return agent.registered().await(60, TimeUnit.SECONDS);
  }

  String basic(String principal) {
    String secret = secrets.get(principal);
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  ClientCredentials credentials(String principal) {
    return ClientCredentials.basic(principal, secrets.get(principal));
  }

  // ---- plain HTTP -----------------------------------------------------------------------

  /** One HTTP answer. */
  record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** A request through the gate with {@code principal}'s Basic credentials; a JSON body when given. */
  Answer http(String principal, String method, String path, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", basic(principal))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An operator call POSTed to /api/v1; non-2xx is {@link Refused}. */
  JsonObject operatorHttp(String principal, JsonObject call) {
    Answer a = http(principal, "POST", "/api/v1", call);
    if (a.status() / 100 != 2) {
      throw new Refused(a.status(), a.body());
    }
    return a.body().isEmpty() ? new JsonObject() : a.json();
  }

  /** A GET through the gate; non-2xx is {@link Refused}. */
  String get(String principal, String path) {
    Answer a = http(principal, "GET", path, null);
    if (a.status() / 100 != 2) {
      throw new Refused(a.status(), a.body());
    }
    return a.body();
  }

  // ---- operator calls over gRPC and the event bus -----------------------------------------

  /** A gRPC operator client presenting {@code principal}'s credentials, closed with the fixture. */
  GrpcOperatorClient grpcOperator(String principal) {
    return operators.computeIfAbsent(principal, p -> {
      GrpcOperatorClient client = new GrpcOperatorClient(vertx, "127.0.0.1", port).withCredentials(credentials(p));
      open.add(() -> client.close().await(10, TimeUnit.SECONDS));
      return client;
    });
  }

  private final Map<String, GrpcOperatorClient> operators = new java.util.concurrent.ConcurrentHashMap<>();

  /** Runs a client call from a test thread; an {@link ApiException} becomes {@link Refused}. */
  <T> T await(java.util.function.Supplier<Future<T>> call) {
    try {
      return OnContext.run(vertx, call::get).await(60, TimeUnit.SECONDS);
    } catch (ApiException e) {
      throw new Refused(e.code(), e.getMessage());
    } catch (ReplyException e) {
      throw new Refused(e.failureCode(), e.getMessage());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An operator action on the event bus with {@code principal}'s credentials in meso-authorization. */
  Object operatorBus(String action, Object body, String principal) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, action)
        .addHeader(Addresses.AUTHORIZATION_HEADER, basic(principal)).setSendTimeout(60_000);
    return await(() -> vertx.eventBus().request(Addresses.OPERATOR, body, options).map(m -> m.body()));
  }

  // ---- scheduler sessions ---------------------------------------------------------------

  /** The three scheduler doors. */
  enum SchedulerDoor { HTTP, GRPC, EVENT_BUS }

  /** A framework subscribed through one door as one principal: its events (updates acknowledged) and its calls. */
  abstract static class Session implements AutoCloseable {
    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile FrameworkID id;

    /** Sends a call of this framework; a refusal is {@link Refused}. */
    abstract void call(Call.Builder call);

    Optional<Event> first(Event.Type type) {
      return events.stream().filter(e -> e.getType() == type).findFirst();
    }

    /** The next offer that satisfies {@code wanted}; offers seen are consumed. */
    Offer awaitOffer(Predicate<Offer> wanted) {
      java.util.concurrent.atomic.AtomicReference<Offer> found = new java.util.concurrent.atomic.AtomicReference<>();
      Awaitility.await().atMost(WAIT).until(() -> {
        for (Event e : events) {
          if (e.getType() == Event.Type.OFFERS) {
            events.remove(e);
            for (Offer o : e.getOffers().getOffersList()) {
              if (wanted.test(o)) {
                found.set(o);
                return true;
              }
            }
          }
        }
        return false;
      });
      return found.get();
    }

    Offer awaitOffer() {
      return awaitOffer(o -> true);
    }

    Optional<TaskStatus> update(String taskId, TaskState state) {
      return events.stream().filter(e -> e.getType() == Event.Type.UPDATE).map(e -> e.getUpdate().getStatus())
          .filter(s -> s.getTaskId().getValue().equals(taskId) && s.getState() == state).findFirst();
    }

    TaskStatus awaitUpdate(String taskId, TaskState state) {
      Awaitility.await().atMost(WAIT).alias("update " + state + " of " + taskId)
          .until(() -> update(taskId, state).isPresent());
      return update(taskId, state).orElseThrow();
    }

    void accept(Offer offer, Offer.Operation... operations) {
      call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId()).addAllOperations(List.of(operations))));
    }

    void teardown() {
      call(Call.newBuilder().setType(Call.Type.TEARDOWN));
    }
  }

  /** Subscribes {@code info} through {@code door} as {@code principal}; a refused SUBSCRIBE is {@link Refused}. */
  Session subscribe(SchedulerDoor door, String principal, FrameworkInfo info) {
    Session session = door == SchedulerDoor.HTTP ? new HttpSession(principal) : new ClientSession(
        door == SchedulerDoor.GRPC
            ? new GrpcSchedulerClient(vertx, "127.0.0.1", port).withCredentials(credentials(principal))
            : new EventBusSchedulerClient(vertx).withCredentials(credentials(principal)));
    open.add(session);
    if (session instanceof HttpSession h) {
      h.subscribe(info);
    } else {
      ((ClientSession) session).subscribe(info);
    }
    return session;
  }

  /** A session through the client SDK (gRPC or event bus). */
  final class ClientSession extends Session {
    final SchedulerClient client;

    ClientSession(SchedulerClient client) {
      this.client = client;
    }

    void subscribe(FrameworkInfo info) {
      id = await(() -> client.subscribe(info, e -> {
        events.add(e);
        if (e.getType() == Event.Type.UPDATE) {
          client.acknowledge(e.getUpdate().getStatus());
        }
      }));
    }

    @Override
    void call(Call.Builder call) {
      await(() -> client.call(call.build()));
    }

    @Override
    public void close() {
      await(client::close);
    }
  }

  /** A session on Mesos's v1 scheduler HTTP API: a RecordIO stream read on a thread of its own. */
  final class HttpSession extends Session {
    final String principal;
    volatile String streamId;
    volatile InputStream stream;

    HttpSession(String principal) {
      this.principal = principal;
    }

    private HttpRequest.Builder post(Call call) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/scheduler"))
          .header("Authorization", basic(principal)).header("Content-Type", "application/json")
          .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(ProtoJson.toJson(call)));
    }

    void subscribe(FrameworkInfo info) {
      Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
          .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
      if (info.hasId()) {
        call.setFrameworkId(info.getId());
      }
      try {
        HttpResponse<InputStream> response = http.send(post(call.build()).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          try (InputStream body = response.body()) {
            throw new Refused(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
        streamId = response.headers().firstValue(SchedulerHttpApi.STREAM_ID_HEADER).orElseThrow();
        stream = response.body();
        Thread reader = new Thread(this::read, "acl-doors-http-" + principal);
        reader.setDaemon(true);
        reader.start();
        Awaitility.await().atMost(WAIT).until(() -> first(Event.Type.SUBSCRIBED).isPresent());
        id = first(Event.Type.SUBSCRIBED).orElseThrow().getSubscribed().getFrameworkId();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private void read() {
      try {
        while (true) {
          int length = 0;
          for (int c = stream.read(); c != '\n'; c = stream.read()) {
            if (c < 0) {
              return;
            }
            length = length * 10 + (c - '0');
          }
          Event event = ProtoJson.merge(new String(stream.readNBytes(length), StandardCharsets.UTF_8),
              Event.newBuilder()).build();
          events.add(event);
          TaskStatus status = event.getUpdate().getStatus();
          if (event.getType() == Event.Type.UPDATE && status.hasUuid()) {
            call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())));
          }
        }
      } catch (IOException | RuntimeException e) {
        // The stream ended (closed by the test or the master).
      }
    }

    @Override
    void call(Call.Builder call) {
      if (!call.hasFrameworkId() && id != null) {
        call.setFrameworkId(id);
      }
      try {
        HttpResponse<String> response = http.send(post(call.build()).header(SchedulerHttpApi.STREAM_ID_HEADER, streamId)
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
          throw new Refused(response.statusCode(), response.body());
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws IOException {
      if (stream != null) {
        stream.close();
      }
    }
  }

  // ---- event streams --------------------------------------------------------------------

  /** An operator SUBSCRIBE stream (RecordIO of JSON) or the UI's server-sent events, read on a thread of its own. */
  final class EventStream implements AutoCloseable {
    final List<JsonObject> records = new CopyOnWriteArrayList<>();
    private final InputStream body;
    private volatile boolean ready;

    EventStream(String principal, boolean ui) throws Exception {
      HttpRequest request = ui
          ? HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ui/events"))
              .header("Authorization", basic(principal)).GET().build()
          : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1"))
              .header("Authorization", basic(principal)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"SUBSCRIBE\"}")).build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new Refused(response.statusCode(), new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
      }
      body = response.body();
      open.add(this);
      Thread reader = new Thread(() -> {
        try {
          if (ui) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
              if (line.startsWith(": meso master events")) {
                ready = true;
              } else if (line.startsWith("data: ")) {
                records.add(new JsonObject(line.substring("data: ".length())));
              }
            }
          } else {
            while (true) {
              int length = 0;
              for (int c = body.read(); c != '\n'; c = body.read()) {
                if (c < 0) {
                  return;
                }
                length = length * 10 + (c - '0');
              }
              records.add(new JsonObject(new String(body.readNBytes(length), StandardCharsets.UTF_8)));
            }
          }
        } catch (IOException | RuntimeException e) {
          // Closed.
        }
      }, "acl-doors-events-" + principal);
      reader.setDaemon(true);
      reader.start();
      // Ready once the door's consumer is registered: the UI's first comment, the operator stream's SUBSCRIBED.
      Awaitility.await().atMost(WAIT).until(() -> ui ? ready : !records.isEmpty());
    }

    /** The types of the records so far, HEARTBEATs left out. */
    List<String> types() {
      return records.stream().map(r -> r.getString("type")).filter(t -> !t.equals("HEARTBEAT")).toList();
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }
}
