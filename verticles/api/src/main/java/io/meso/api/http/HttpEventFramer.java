package io.meso.api.http;

import io.meso.api.subscription.EventFramer;
import io.meso.codecs.ProtoJson;
import io.meso.codecs.RecordIO;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The Mesos v1 HTTP scheduler API's framing of a subscription: {@code 200}, chunked, the
 * {@code Mesos-Stream-Id} header, then each event as one RecordIO record of JSON or protobuf
 * (the negotiated media type); a refusal is the master's status code and a plain-text message.
 */
final class HttpEventFramer implements EventFramer {

  /** Prefix of the events addresses of HTTP subscriptions. */
  static final String ADDRESS_PREFIX = "meso.scheduler.http.";
  private static final Event HEARTBEAT = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();

  private final HttpServerResponse response;
  private final MediaTypes type;
  private Handler<String> gone;

  HttpEventFramer(HttpServerResponse response, MediaTypes type) {
    this.response = response;
    this.type = type;
  }

  @Override
  public String door() {
    return "http";
  }

  @Override
  public void open(String streamId, Handler<String> gone) {
    this.gone = gone;
    response.closeHandler(v -> gone.handle("connection closed"));
    response.exceptionHandler(err -> gone.handle("response failed: " + err.getMessage()));
  }

  @Override
  public void accepted(String streamId) {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, type.value)
        .putHeader(SchedulerHttpApi.STREAM_ID_HEADER, streamId);
    // Send the headers now, even if no event is held (a client waits for them to learn the stream id).
    response.writeHead().onFailure(err -> gone.handle("cannot send headers: " + err.getMessage()));
  }

  @Override
  public Future<Void> write(Event event) {
    Future<Void> written = response.write(RecordIO.frame(encode(forWire(event), type)));
    if (event.getType() == Event.Type.SUBSCRIBED) {
      // As Mesos does: a HEARTBEAT right after SUBSCRIBED, so a client's heartbeat watchdog
      // starts from a known beat; the master's own heartbeats follow every interval.
      response.write(RecordIO.frame(encode(HEARTBEAT, type)));
    }
    return written;
  }

  @Override
  public void refuse(Throwable masterFailure) {
    SchedulerHttpApi.Answer answer = SchedulerHttpApi.Answer.of(masterFailure);
    SchedulerHttpApi.plain(response, answer.status(), answer.message());
  }

  @Override
  public void end() {
    response.end();
  }

  @Override
  public void stop(boolean accepted) {
    if (accepted) {
      response.end();
    } else {
      SchedulerHttpApi.plain(response, 503, "the master's API server is stopping; subscribe again\n");
    }
  }

  static byte[] encode(Event event, MediaTypes type) {
    return type == MediaTypes.JSON
        ? ProtoJson.toJson(event).getBytes(StandardCharsets.UTF_8)
        : event.toByteArray();
  }

  /**
   * What Mesos puts on the wire beyond the model: every offered resource also carries the
   * deprecated {@code role} ({@code *} when unreserved, else its one reservation's role), so that
   * Mesos 1.0-era clients, which read only {@code role}, see reservations as they were meant.
   */
  static Event forWire(Event event) {
    if (event.getType() != Event.Type.OFFERS || !event.hasOffers()) {
      return event;
    }
    Event.Builder b = event.toBuilder();
    for (Offer.Builder offer : b.getOffersBuilder().getOffersBuilderList()) {
      for (Resource.Builder r : offer.getResourcesBuilderList()) {
        if (r.hasRole()) {
          continue;
        }
        if (r.getReservationsCount() == 0) {
          r.setRole("*");
        } else if (r.getReservationsCount() == 1 && r.getReservations(0).hasRole()) {
          r.setRole(r.getReservations(0).getRole());
        }
      }
    }
    return b.build();
  }
}
