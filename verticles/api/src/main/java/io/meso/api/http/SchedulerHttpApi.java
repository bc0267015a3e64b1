package io.meso.api.http;

import com.google.protobuf.InvalidProtocolBufferException;
import io.meso.api.subscription.SchedulerSubscription;
import io.meso.api.subscription.SubscriptionRegistry;
import io.meso.codecs.Addresses;
import io.meso.codecs.ProtoJson;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.meso.codecs.MasterRequests;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Mesos's v1 scheduler HTTP API on the master's HTTP port: {@code POST /api/v1/scheduler}
 * and {@code POST /master/api/v1/scheduler}.
 *
 * <p>A SUBSCRIBE opens a {@link SchedulerSubscription} framed by {@link HttpEventFramer}:
 * {@code 200}, a fresh {@code Mesos-Stream-Id}, a chunked RecordIO stream of events in the type the {@code Accept} header negotiates. Every
 * other call is forwarded to {@link Addresses#SCHEDULER}, as the gRPC transport forwards it, and
 * answered {@code 202} with an empty body, or with the master's failure code (400, 403, 404, 503)
 * and message as {@code text/plain}. Before that, the HTTP layer answers: 405 (not POST, with
 * {@code Allow: POST}), 415 (Content-Type neither JSON nor protobuf), 413 (body over the limit),
 * 400 (body does not parse; {@code Mesos-Stream-Id} missing on a call, present on a SUBSCRIBE, or
 * not the framework's current stream), 406 (a SUBSCRIBE whose Accept allows neither type), 307
 * (a standby master, see {@link LeaderLookup}) and 503 (no master answers).
 */
public final class SchedulerHttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerHttpApi.class);

  public static final String STREAM_ID_HEADER = "Mesos-Stream-Id";
  public static final List<String> PATHS = List.of("/api/v1/scheduler", "/master/api/v1/scheduler");
  /** Mesos frameworks send small calls; 8 MiB leaves room for an ACCEPT launching thousands of tasks. */
  public static final long DEFAULT_BODY_LIMIT_BYTES = 8L * 1024 * 1024;

  private final MasterRequests master;
  private final long timeoutMillis;
  private final LeaderLookup leader;
  private final long bodyLimitBytes;
  private final SubscriptionRegistry streams = new SubscriptionRegistry();

  public SchedulerHttpApi(MasterRequests master, long timeoutMillis, LeaderLookup leader, long bodyLimitBytes) {
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive, got " + timeoutMillis);
    }
    if (bodyLimitBytes <= 0) {
      throw new IllegalArgumentException("bodyLimitBytes must be positive, got " + bodyLimitBytes);
    }
    this.master = master;
    this.timeoutMillis = timeoutMillis;
    this.leader = leader == null ? LeaderLookup.SELF : leader;
    this.bodyLimitBytes = bodyLimitBytes;
  }

  public SchedulerHttpApi(MasterRequests master, long timeoutMillis) {
    this(master, timeoutMillis, LeaderLookup.SELF, DEFAULT_BODY_LIMIT_BYTES);
  }

  /** Adds the scheduler routes to {@code router} (all methods, so that a non-POST gets Mesos's 405). */
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(bodyLimitBytes);
    for (String path : PATHS) {
      // Two routes, as vertx-web wants a body handler first on its route: checks that need no
      // body (405, 307, 415), then, for what passes, the body (413 over the limit) and the call.
      router.route(path).handler(this::preflight);
      router.post(path)
          .handler(body)
          .handler(this::handle)
          .failureHandler(this::failed);
    }
  }

  /** Ends every open subscription (the server is stopping); the master hears each one is gone. */
  public void closeAll() {
    streams.stopAll();
  }

  /** Checks that need no body, so a refused request is not read. */
  private void preflight(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.POST) {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
      plain(ctx.response(), 405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()
          + "; the scheduler API takes POST\n");
      return;
    }
    Optional<String> redirect = leader.redirectTo();
    if (redirect.isPresent()) {
      String location = redirect.get().replaceAll("/+$", "") + ctx.request().path();
      ctx.response().putHeader(HttpHeaders.LOCATION, location);
      plain(ctx.response(), 307, "this master is not the leader; send scheduler calls to " + location + "\n");
      return;
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (MediaTypes.ofContentType(contentType).isEmpty()) {
      plain(ctx.response(), 415, "Content-Type " + (contentType == null ? "is missing" : "'" + contentType + "' is not supported")
          + "; send " + MediaTypes.ACCEPTED + "\n");
      return;
    }
    ctx.next();
  }

  private void failed(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      LOG.debug("scheduler http client went away while sending its call path={}", ctx.request().path());
      return;
    }
    if (status == 413) {
      plain(ctx.response(), 413, "the request body is larger than the limit of " + bodyLimitBytes + " bytes\n");
    } else if (status == 400) {
      plain(ctx.response(), 400, "the request body could not be read: "
          + (ctx.failure() == null ? "bad request" : ctx.failure().getMessage()) + "\n");
    } else {
      LOG.warn("scheduler http call failed status={} path={}", status, ctx.request().path(), ctx.failure());
      plain(ctx.response(), status < 0 ? 500 : status, "the scheduler API failed: "
          + (ctx.failure() == null ? "status " + status : ctx.failure().toString()) + "\n");
    }
  }

  private void handle(RoutingContext ctx) {
    MediaTypes contentType = MediaTypes.ofContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)).orElseThrow();
    Buffer body = ctx.body().buffer();
    Call call;
    try {
      call = decode(body == null ? Buffer.buffer() : body, contentType);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String as = contentType == MediaTypes.JSON ? "JSON" : "protobuf";
      plain(ctx.response(), 400, "the request body failed to parse as " + as + " (" + contentType.value
          + ") of a mesos.v1.scheduler.Call: " + e.getMessage() + "\n");
      return;
    }
    if (contentType == MediaTypes.JSON && !call.hasType()) {
      // The JSON parser drops an unknown enum name; name what was sent.
      Object raw = rawJsonType(body);
      if (raw != null) {
        plain(ctx.response(), 400, io.meso.codecs.CallTypes.unknown(call, raw) + "\n");
        return;
      }
    }
    String streamId = ctx.request().getHeader(STREAM_ID_HEADER);
    if (call.getType() == Call.Type.SUBSCRIBE) {
      subscribe(ctx, call, streamId);
    } else {
      send(ctx, call, streamId);
    }
  }

  /** The "type" member of a JSON call as sent, or null. Only read when the parser found no known type. */
  private static Object rawJsonType(Buffer body) {
    try {
      return new io.vertx.core.json.JsonObject(body).getValue("type");
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Call decode(Buffer body, MediaTypes type) throws InvalidProtocolBufferException {
    if (type == MediaTypes.PROTOBUF) {
      return Call.parseFrom(body.getBytes());
    }
    String json = body.toString(StandardCharsets.UTF_8);
    if (json.isBlank()) {
      throw new InvalidProtocolBufferException("the body is empty; expected a JSON object");
    }
    return ProtoJson.merge(json, Call.newBuilder()).build();
  }

  private void subscribe(RoutingContext ctx, Call call, String streamId) {
    if (streamId != null) {
      plain(ctx.response(), 400, "a SUBSCRIBE call must not carry the " + STREAM_ID_HEADER + " header (got '" + streamId
          + "'); the master assigns a new stream id\n");
      return;
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    Optional<MediaTypes> type = MediaTypes.negotiate(accept);
    if (type.isEmpty()) {
      plain(ctx.response(), 406, "Accept '" + accept + "' allows no type the event stream can be sent in; accept "
          + MediaTypes.ACCEPTED + "\n");
      return;
    }
    new SchedulerSubscription(master, HttpEventFramer.ADDRESS_PREFIX, new HttpEventFramer(ctx.response(), type.get()),
        timeoutMillis, streams).principal(ctx.request().getHeader(Addresses.PRINCIPAL_HEADER)).start(call);
  }

  private void send(RoutingContext ctx, Call call, String streamId) {
    HttpServerResponse response = ctx.response();
    if (streamId == null || streamId.isBlank()) {
      plain(response, 400, "the " + STREAM_ID_HEADER + " header is required on a " + call.getType()
          + " call; send the one the SUBSCRIBE response carried\n");
      return;
    }
    String frameworkId = call.getFrameworkId().getValue();
    // The master checks that the call comes from the framework's current subscription; a stream
    // this server does not hold (the framework subscribed through another master's port) is
    // judged there too. A framework's current stream id is never named in an answer: it is what
    // proves the subscription.
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis)
        .addHeader(Addresses.SUBSCRIPTION_HEADER,
            SchedulerSubscription.addressOf(HttpEventFramer.ADDRESS_PREFIX, streamId.trim()));
    String principal = ctx.request().getHeader(Addresses.PRINCIPAL_HEADER);
    if (principal != null) {
      options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
    }
    if (frameworkId.isEmpty()) {
      // The master names what is missing.
      forward(response, call, options);
      return;
    }
    Optional<String> current = streams.currentStream(frameworkId);
    if (current.isPresent()) {
      if (current.get().equals(streamId)) {
        forward(response, call, options);
      } else {
        plain(response, 400, "the " + STREAM_ID_HEADER + " '" + streamId + "' included in this request is not the "
            + "current stream of framework '" + frameworkId + "'; send the one its latest SUBSCRIBE response carried\n");
      }
      return;
    }
    Optional<String> owner = streams.frameworkOf(streamId);
    if (owner.isPresent()) {
      plain(response, 400, "the " + STREAM_ID_HEADER + " '" + streamId + "' belongs to framework '" + owner.get()
          + "', not to framework '" + frameworkId + "' which the call names in framework_id\n");
      return;
    }
    forward(response, call, options);
  }

  private void forward(HttpServerResponse response, Call call, DeliveryOptions options) {
    master.request(Addresses.SCHEDULER, call, options).onComplete(ar -> {
      if (ar.succeeded()) {
        if (!response.ended()) {
          response.setStatusCode(202).end();
        }
      } else {
        Answer answer = Answer.of(ar.cause());
        plain(response, answer.status(), answer.message());
      }
    });
  }

  /** The HTTP answer for a failed forward: the master's code and message, 503 when no master answers. */
  record Answer(int status, String message) {

    static Answer of(Throwable err) {
      if (err instanceof ReplyException reply) {
        return switch (reply.failureType()) {
          case RECIPIENT_FAILURE -> new Answer(reply.failureCode() >= 400 && reply.failureCode() < 600
              ? reply.failureCode() : 500, reply.getMessage() + "\n");
          case NO_HANDLERS -> new Answer(503, "no master is leading: nothing consumes " + Addresses.SCHEDULER
              + "; retry once a master is elected\n");
          case TIMEOUT -> new Answer(503, "the master did not answer in time: " + reply.getMessage() + "\n");
          default -> new Answer(500, "forwarding to the master failed: " + reply.getMessage() + "\n");
        };
      }
      LOG.warn("scheduler call forwarding failed", err);
      return new Answer(500, "the API server failed: " + err + "\n");
    }
  }

  static void plain(HttpServerResponse response, int status, String body) {
    if (response.ended() || response.closed() || response.headWritten()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}
