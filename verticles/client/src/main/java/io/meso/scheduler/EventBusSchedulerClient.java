package io.meso.scheduler;

import io.meso.codecs.SubscriberGone;
import io.meso.codecs.Addresses;
import io.meso.codecs.MasterRequests;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchedulerClient} for JVM frameworks on Meso's (clustered) event bus: calls go
 * straight to {@link Addresses#SCHEDULER}, events arrive at a consumer of this client's own.
 *
 * <p>The Vert.x instance must have Meso's codecs registered ({@code MesoCluster} does it).
 * Events sent as requests (HEARTBEAT) are answered, which is how the master knows this
 * subscriber is alive.
 */
public final class EventBusSchedulerClient extends AbstractSchedulerClient {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusSchedulerClient.class);

  /** Prefix of the addresses subscribers consume their events on. */
  public static final String STREAM_ADDRESS_PREFIX = "meso.scheduler.stream.";

  /** Longer than the master's 10 s wait for the agent, so its own 503 naming the agent arrives first. */
  static final long OPERATOR_TIMEOUT_MILLIS = 15_000;

  private final EventBus bus;
  /** Requests to the master that fail at once when a new leader is announced (instead of waiting 30 s on a dead one). */
  private final MasterRequests master;
  /** Events address of the latest subscription: sent with every call as proof that it comes from it. */
  private volatile String subscription;
  /** Sent as {@link Addresses#AUTHORIZATION_HEADER} with the subscription and every call; null: none. */
  private volatile String authorization;

  /** The principal this client's calls carry in {@link Addresses#PRINCIPAL_HEADER}, or null. */
  private final String principal;

  public EventBusSchedulerClient(Vertx vertx) {
    this(vertx, null);
  }

  /**
   * A client whose calls carry {@code principal} in {@link Addresses#PRINCIPAL_HEADER}, as a door
   * forwards an authenticated one: for frameworks that run inside a master's (trusted) event bus,
   * such as the built-in services and jobs frameworks, so that ACLs can name them.
   */
  public EventBusSchedulerClient(Vertx vertx, String principal) {
    super(vertx, 0, 0);
    this.bus = vertx.eventBus();
    this.master = new MasterRequests(vertx);
    this.principal = principal;
  }

  private DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions();
    if (principal != null) {
      options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
    }
    return options;
  }

  /**
   * Sends {@code credentials} with the subscription and every call ({@link Addresses#AUTHORIZATION_HEADER});
   * a master that checks credentials authorizes the calls as the principal they prove. Null sends none.
   */
  public EventBusSchedulerClient withCredentials(ClientCredentials credentials) {
    this.authorization = credentials == null ? null : credentials.authorization();
    return this;
  }

  /**
   * Turns on the heartbeat watchdog (off by default on the event bus, where a framework in the
   * master's own JVM cannot be cut off from it): a subscription that heard no event for
   * {@code intervals} heartbeat intervals, and at least {@code minimum}, ends and is reported to
   * the disconnect handler. {@code intervals} 0 turns it off again.
   */
  public EventBusSchedulerClient withHeartbeatWatchdog(double intervals, java.time.Duration minimum) {
    watchdog(intervals, minimum.toMillis());
    return this;
  }

  private DeliveryOptions authorized(DeliveryOptions options) {
    String auth = authorization;
    if (auth != null) {
      options.addHeader(Addresses.AUTHORIZATION_HEADER, auth);
    }
    return options;
  }

  private record Subscription(String address, MessageConsumer<Event> consumer) {}

  @Override
  protected Future<Void> openStream(Call subscribe, Stream stream) {
    String address = STREAM_ADDRESS_PREFIX + UUID.randomUUID();
    MessageConsumer<Event> consumer = bus.consumer(address, msg -> {
      String dropped = msg.headers().get(Addresses.DROPPED_HEADER);
      if (dropped != null) {
        stream.dropped(dropped);
        return;
      }
      if (msg.replyAddress() != null) {
        msg.reply(null);
      }
      stream.event(msg.body());
    });
    stream.transport = new Subscription(address, consumer);
    subscription = address;
    DeliveryOptions options = authorized(deliveryOptions().addHeader(Addresses.EVENTS_HEADER, address));
    // The consumer must be registered cluster-wide before the master sends SUBSCRIBED to it.
    return consumer.completion()
        .compose(v -> master.request(Addresses.SCHEDULER, subscribe, options))
        .<Void>mapEmpty()
        .recover(err -> {
          consumer.unregister();
          return Future.failedFuture(toApiException(err));
        });
  }

  @Override
  protected void closeStream(Stream stream, boolean notifyMaster) {
    if (!(stream.transport instanceof Subscription sub)) {
      return;
    }
    sub.consumer().unregister();
    if (notifyMaster) {
      SubscriberGone.notifyMaster(bus, frameworkId(), sub.address());
      LOG.debug("scheduler subscription closed address={}", sub.address());
    }
  }

  @Override
  protected Future<Void> send(Call call) {
    DeliveryOptions options = authorized(deliveryOptions());
    String from = subscription;
    if (from != null) {
      options.addHeader(Addresses.SUBSCRIPTION_HEADER, from);
    }
    return master.request(Addresses.SCHEDULER, call, options).<Void>mapEmpty().recover(err -> Future.failedFuture(toApiException(err)));
  }

  /** {@inheritDoc} On {@link Addresses#OPERATOR}, with this client's principal and credentials. */
  @Override
  public Future<io.meso.proto.GetTaskUsageResponse> taskUsage(io.meso.v1.TaskID taskId) {
    DeliveryOptions options = authorized(deliveryOptions())
        .addHeader(Addresses.ACTION_HEADER, "GetTaskUsage")
        .setSendTimeout(OPERATOR_TIMEOUT_MILLIS);
    return master.<io.meso.proto.GetTaskUsageResponse>request(Addresses.OPERATOR, taskUsageRequest(taskId), options)
        .map(reply -> reply.body())
        .recover(err -> Future.failedFuture(toApiException(err)));
  }

  @Override
  protected Future<Void> release() {
    return master.close();
  }

  /** Turns an event-bus failure from the master into an {@link ApiException} with its code. */
  public static ApiException toApiException(Throwable err) {
    if (err instanceof ApiException api) {
      return api;
    }
    if (err instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> new ApiException(reply.failureCode(), reply.getMessage());
        case NO_HANDLERS -> ApiException.unreachable(
            "no master is running: nothing consumes " + Addresses.SCHEDULER + " on the event bus");
        case TIMEOUT -> new ApiException(ApiException.UNAVAILABLE, "the master did not answer in time: " + reply.getMessage());
        default -> new ApiException(ApiException.INTERNAL, String.valueOf(reply.getMessage()));
      };
    }
    return new ApiException(ApiException.INTERNAL, String.valueOf(err.getMessage()));
  }
}
