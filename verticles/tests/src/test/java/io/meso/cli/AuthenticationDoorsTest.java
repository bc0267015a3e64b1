package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.codecs.Addresses;
import io.meso.master.MasterOptions;
import io.meso.proto.GetStateRequest;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.ClientCredentials;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.PasswordHash;
import io.meso.testkit.CliStreams;
import io.meso.testkit.OnContext;
import io.meso.v1.FrameworkInfo;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication on every door of a real master on 127.0.0.1 (master, agent and API server in
 * one JVM, as {@code meso local} runs them): HTTP basic against a credentials file, HS256 and
 * RS256 bearer JWTs; wrong, missing, expired and malformed credentials refused on the scheduler
 * HTTP API, the operator HTTP API, gRPC, the UI's event stream and the /v2 and /v1/scheduler
 * paths; DNS rebinding and foreign origins refused; the principal a client claims itself is
 * dropped and the master sees the authenticated one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthenticationDoorsTest {

  static final String OPS_SECRET = "ops-secret-1";
  static final String FW_SECRET = "fw-secret-2";
  /** Used by one request only: its password check is never cached, so the body waits for a worker thread. */
  static final String POSTER_SECRET = "poster-secret-3";
  static final byte[] HS_SECRET = "an-hs256-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.US_ASCII);

  static Vertx vertx;
  static String master;
  static int port;
  static Path dir;
  static KeyPair rsa;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  /** Principal headers of the messages delivered to the master's scheduler and operator addresses. */
  static final Map<String, List<List<String>>> SEEN = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("meso-authn");
    Path credentials = Files.writeString(dir.resolve("credentials"), "# test principals\n"
        + "ops:" + PasswordHash.bcrypt(OPS_SECRET.toCharArray(), 4) + "\n"
        + "fw:" + PasswordHash.bcrypt(FW_SECRET.toCharArray(), 4) + "\n"
        + "poster:" + PasswordHash.bcrypt(POSTER_SECRET.toCharArray(), 4) + "\n");
    Path hsKey = Files.write(dir.resolve("hs.key"), HS_SECRET);
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    rsa = gen.generateKeyPair();
    Path rsaKey = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    Authenticator authenticator = Authenticator.fromFiles(credentials, List.of(hsKey, rsaKey), null, null,
        Duration.ofSeconds(5));

    vertx = io.meso.cluster.MesoCluster.startLocal(new VertxOptions());
    vertx.eventBus().addInboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (address.equals(Addresses.SCHEDULER) || address.equals(Addresses.OPERATOR)) {
        SEEN.computeIfAbsent(address, a -> new CopyOnWriteArrayList<>())
            .add(List.copyOf(ctx.message().headers().getAll(Addresses.PRINCIPAL_HEADER)));
      }
      ctx.next();
    });
    Nodes.Master m = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100)
            .setAuthenticator(authenticator),
        new ApiServerOptions().setPort(0).setAuthenticator(authenticator)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-authn-agent").toString())
        .setResources("cpus:2;mem:1024;disk:100")).await(30, TimeUnit.SECONDS);
    port = m.port();
    master = "127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  static String jwt(JWSSigner signer, JWSAlgorithm alg, String sub, Instant exp) throws Exception {
    SignedJWT token = new SignedJWT(new JWSHeader(alg), new JWTClaimsSet.Builder().subject(sub)
        .expirationTime(Date.from(exp)).build());
    token.sign(signer);
    return token.serialize();
  }

  static String hs256(String sub, Instant exp) throws Exception {
    return jwt(new MACSigner(HS_SECRET), JWSAlgorithm.HS256, sub, exp);
  }

  static String rs256(String sub, Instant exp) throws Exception {
    return jwt(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, sub, exp);
  }

  static HttpResponse<String> http(String method, String path, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + master + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One raw HTTP/1.1 request (so Host can be anything); returns the status line and headers and body. */
  static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Every door's paths: scheduler HTTP, operator HTTP (v0 and v1), the UI's events, /v2 and /v1/scheduler. */
  static final List<String[]> DOORS = List.of(
      new String[] {"POST", "/api/v1/scheduler", "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}"},
      new String[] {"GET", "/state", null},
      new String[] {"GET", "/master/state.json", null},
      new String[] {"POST", "/api/v1", "{\"type\":\"GET_HEALTH\"}"},
      new String[] {"GET", "/ui/events", null},
      new String[] {"GET", "/v2/apps", null},
      new String[] {"GET", "/v1/scheduler/jobs", null},
      new String[] {"GET", "/metrics/snapshot", null});

  @Test
  void everyHttpDoorRefusesMissingWrongExpiredAndMalformedCredentials() throws Exception {
    Instant now = Instant.now();
    List<String[]> refused = List.of(
        new String[] {null, "no credentials"},
        new String[] {basic("ops", "not-the-secret"), "wrong principal or secret"},
        new String[] {basic("nobody", OPS_SECRET), "wrong principal or secret"},
        new String[] {"Bearer " + hs256("ops", now.minusSeconds(3600)), "expired"},
        new String[] {"Bearer " + rs256("ops", now.minusSeconds(3600)), "expired"},
        new String[] {"Bearer " + jwt(new MACSigner("a-different-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8)),
            JWSAlgorithm.HS256, "ops", now.plusSeconds(600)), "signature"},
        new String[] {"Bearer not.a.jwt", "not a JWT"},
        new String[] {"Digest whatever", "unknown authorization scheme"});
    for (String[] door : DOORS) {
      for (String[] credentials : refused) {
        HttpResponse<String> response = http(door[0], door[1], credentials[0], door[2]);
        assertThat(response.statusCode()).as(door[1] + " with " + credentials[1]).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate"))
            .containsExactlyInAnyOrder("Basic realm=\"meso\"", "Bearer realm=\"meso\"");
        assertThat(response.body()).contains(credentials[1]).doesNotContain("not-the-secret");
      }
    }
  }

  @Test
  void rightCredentialsAreServedOnEveryKind() throws Exception {
    Instant exp = Instant.now().plusSeconds(600);
    for (String authorization : List.of(basic("ops", OPS_SECRET), "Bearer " + hs256("ops", exp),
        "Bearer " + rs256("ops", exp))) {
      assertThat(http("GET", "/state", authorization, null).statusCode()).isEqualTo(200);
      assertThat(http("POST", "/api/v1", authorization, "{\"type\":\"GET_HEALTH\"}").statusCode()).isEqualTo(200);
      // Past the gate: this server mounts no /v2 or /v1/scheduler, so the router answers 404.
      assertThat(http("GET", "/v2/apps", authorization, null).statusCode()).isEqualTo(404);
      assertThat(http("GET", "/v1/scheduler/jobs", authorization, null).statusCode()).isEqualTo(404);
    }
    // A body sent while its credentials are checked off the event loop reaches the handler whole.
    HttpResponse<String> posted = http("POST", "/api/v1", basic("poster", POSTER_SECRET), "{\"type\":\"GET_FRAMEWORKS\"}");
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(posted.body()).contains("GET_FRAMEWORKS");
    // The probes need no credentials.
    assertThat(http("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(http("GET", "/livez", null, null).statusCode()).isEqualTo(200);
    assertThat(http("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    assertThat(http("GET", "/master/health", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void grpcDoorsAnswerUnauthenticatedWithoutRightCredentials() throws Exception {
    List<ClientCredentials> wrong = List.of(ClientCredentials.basic("ops", "nope"),
        ClientCredentials.bearer(hs256("ops", Instant.now().minusSeconds(3600))));
    GrpcOperatorClient anonymous = new GrpcOperatorClient(vertx, "127.0.0.1", port);
    try {
      assertThatThrownBy(() -> OnContext.run(vertx, anonymous::getState).await(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(401);
            assertThat(e.getMessage()).contains("no credentials");
          });
      for (ClientCredentials c : wrong) {
        anonymous.withCredentials(c);
        assertThatThrownBy(() -> OnContext.run(vertx, anonymous::getState).await(30, TimeUnit.SECONDS))
            .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
      }
      anonymous.withCredentials(ClientCredentials.bearer(rs256("ops", Instant.now().plusSeconds(600))));
      assertThat(OnContext.run(vertx, anonymous::getState).await(30, TimeUnit.SECONDS).getAgentsList()).isNotEmpty();
    } finally {
      anonymous.close();
    }
    GrpcSchedulerClient scheduler = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    try {
      assertThatThrownBy(() -> OnContext.run(vertx, () -> scheduler.subscribe(framework("anon"), e -> {}))
          .await(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    } finally {
      scheduler.close();
    }
  }

  static FrameworkInfo framework(String name) {
    return FrameworkInfo.newBuilder().setUser("nobody").setName(name).build();
  }

  @Test
  void theMasterSeesTheAuthenticatedPrincipalNotTheOneAClientClaims() throws Exception {
    // Operator HTTP: the client claims to be root.
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + master + "/state"))
        .header("Authorization", basic("ops", OPS_SECRET)).header(Addresses.PRINCIPAL_HEADER, "root").GET().build();
    int before = SEEN.getOrDefault(Addresses.OPERATOR, List.of()).size();
    assertThat(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    List<List<String>> operator = SEEN.get(Addresses.OPERATOR);
    assertThat(operator.subList(before, operator.size())).isNotEmpty().allSatisfy(p -> assertThat(p).containsExactly("ops"));

    // gRPC scheduler: a framework subscribes as fw while claiming root in its metadata.
    int schedBefore = SEEN.getOrDefault(Addresses.SCHEDULER, List.of()).size();
    GrpcSchedulerClient scheduler = new GrpcSchedulerClient(vertx, "127.0.0.1", port)
        .withCredentials(ClientCredentials.basic("fw", FW_SECRET));
    try {
      OnContext.run(vertx, () -> scheduler.subscribe(framework("spoofer"), e -> {})).await(60, TimeUnit.SECONDS);
      List<List<String>> sched = SEEN.get(Addresses.SCHEDULER);
      assertThat(sched.subList(schedBefore, sched.size())).isNotEmpty().allSatisfy(p -> assertThat(p).containsExactly("fw"));
    } finally {
      scheduler.close();
    }

    // gRPC operator with a spoofed principal in its metadata: the raw header never reaches the master.
    int opBefore = SEEN.get(Addresses.OPERATOR).size();
    io.vertx.grpc.client.GrpcClient grpc = io.vertx.grpc.client.GrpcClient.client(vertx,
        new io.vertx.core.http.HttpClientOptions().setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
    try {
      io.meso.proto.GetStateResponse state = OnContext.run(vertx, () -> grpc.request(
              io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"), io.meso.proto.OperatorGrpcClient.GetState)
          .compose(req -> {
            req.headers().set("authorization", basic("ops", OPS_SECRET));
            req.headers().set(Addresses.PRINCIPAL_HEADER, "root");
            return req.end(GetStateRequest.getDefaultInstance()).compose(v -> req.response()).compose(r -> r.last());
          })).await(30, TimeUnit.SECONDS);
      assertThat(state).isNotNull();
      List<List<String>> op = SEEN.get(Addresses.OPERATOR);
      assertThat(op.subList(opBefore, op.size())).isNotEmpty().allSatisfy(p -> assertThat(p).containsExactly("ops"));
    } finally {
      grpc.close();
    }
  }

  @Test
  void rebindingHostAndForeignOriginAreRefused() throws Exception {
    String auth = "Authorization: " + basic("ops", OPS_SECRET) + "\r\n";
    String evil = raw("GET /state HTTP/1.1\r\nHost: evil.example:" + port + "\r\n" + auth + "Connection: close\r\n\r\n");
    assertThat(evil).startsWith("HTTP/1.1 421").contains("Host 'evil.example' is not one this master answers to");
    // Even the probes: a rebinding page must learn nothing.
    assertThat(raw("GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 421");
    String origin = raw("GET /state HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + auth
        + "Origin: http://evil.example\r\nConnection: close\r\n\r\n");
    assertThat(origin).startsWith("HTTP/1.1 403").contains("Origin 'http://evil.example' is not allowed");
    assertThat(raw("GET /state HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + auth
        + "Origin: null\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403");
    String same = raw("GET /state HTTP/1.1\r\nHost: localhost:" + port + "\r\n" + auth
        + "Origin: http://localhost:" + port + "\r\nConnection: close\r\n\r\n");
    assertThat(same).startsWith("HTTP/1.1 200");
  }

  @Test
  void eventBusCallsWithBadCredentialsAreFailed401AndRightOnesServed() throws Exception {
    DeliveryOptions bad = new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetState")
        .addHeader(Addresses.AUTHORIZATION_HEADER, basic("ops", "wrong"));
    assertThatThrownBy(() -> OnContext.run(vertx, () -> vertx.eventBus().request(Addresses.OPERATOR,
            GetStateRequest.getDefaultInstance(), bad)).await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(401);
          assertThat(e.getMessage()).contains("wrong principal or secret");
        });
    DeliveryOptions good = new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetState")
        .addHeader(Addresses.AUTHORIZATION_HEADER, basic("ops", OPS_SECRET));
    assertThat(OnContext.run(vertx, () -> vertx.eventBus().request(Addresses.OPERATOR,
        GetStateRequest.getDefaultInstance(), good)).await(30, TimeUnit.SECONDS).body()).isNotNull();

    EventBusSchedulerClient wrong = new EventBusSchedulerClient(vertx)
        .withCredentials(ClientCredentials.bearer(hs256("fw", Instant.now().minusSeconds(3600))));
    assertThatThrownBy(() -> OnContext.run(vertx, () -> wrong.subscribe(framework("bus-expired"), e -> {}))
        .await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    wrong.close();
    // The refused SUBSCRIBE registered nothing.
    HttpResponse<String> frameworks = http("POST", "/api/v1", basic("ops", OPS_SECRET), "{\"type\":\"GET_FRAMEWORKS\"}");
    assertThat(frameworks.body()).doesNotContain("bus-expired");
    EventBusSchedulerClient right = new EventBusSchedulerClient(vertx)
        .withCredentials(ClientCredentials.bearer(hs256("fw", Instant.now().plusSeconds(600))));
    try {
      assertThat(OnContext.run(vertx, () -> right.subscribe(framework("bus-ok"), e -> {})).await(30, TimeUnit.SECONDS)
          .getValue()).isNotEmpty();
    } finally {
      right.close();
    }
  }

  @Test
  void mesoRunTasksAndKillSendTheirCredentials() throws Exception {
    Path secret = Files.writeString(dir.resolve("ops.secret"), OPS_SECRET + "\n");
    Path token = Files.writeString(dir.resolve("ops.token"), hs256("ops", Instant.now().plusSeconds(600)) + "\n");
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--principal", "ops", "--secret-file", secret.toString(), "--",
          "echo authenticated")).isZero();
      assertThat(streams.out()).isEqualTo("authenticated\n");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--all", "--master", master, "--token-file", token.toString())).isZero();
      assertThat(streams.out()).contains("echo authenticated");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--", "echo never")).isEqualTo(1);
      assertThat(streams.err()).contains("no credentials").contains("--principal NAME --secret-file FILE");
      assertThat(streams.out()).isEmpty();
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("kill", "--master", master, "--principal", "ops", "--secret-file",
          dir.resolve("credentials").toString(), "no-such-task")).isEqualTo(1);
      assertThat(streams.err()).contains("wrong principal or secret");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("apps", "--master", master, "--principal", "ops")).isEqualTo(2);
      assertThat(streams.err()).contains("--principal ops needs its secret");
    }
  }

  @Test
  void aMasterOnANonLoopbackHostWithoutCredentialsRefusesToStart() {
    for (String command : List.of("master", "local")) {
      try (CliStreams streams = new CliStreams()) {
        assertThat(Meso.run(command, "--host", "0.0.0.0", "--port", "0")).as(command).isEqualTo(2);
        assertThat(streams.err()).contains("meso " + command + ": --host 0.0.0.0 is not a loopback address")
            .contains("--credentials").contains("--jwt-key").contains("--insecure");
      }
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("master", "--host", "127.0.0.1", "--port", "0", "--credentials",
          dir.resolve("nope").toString())).isEqualTo(2);
      assertThat(streams.err()).contains("credentials file " + dir.resolve("nope") + " cannot be read");
    }
  }

  @Test
  void hashPasswordPrintsALineTheCredentialsFileAccepts() throws Exception {
    InputStream stdin = System.in;
    String line;
    try (CliStreams streams = new CliStreams()) {
      System.setIn(new ByteArrayInputStream("correct horse\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(Meso.run("hash-password", "--cost", "4", "carol")).isZero();
      line = streams.out().strip();
    } finally {
      System.setIn(stdin);
    }
    assertThat(line).startsWith("carol:$2b$04$").doesNotContain("correct horse");
    io.meso.security.authn.Credentials parsed = io.meso.security.authn.Credentials.parse("stdout", List.of(line));
    assertThat(parsed.verify("carol", "correct horse".toCharArray())).isTrue();
  }
}
