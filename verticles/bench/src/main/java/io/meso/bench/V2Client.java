package io.meso.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The services benchmark's only way in: plain HTTP to the master's port on 127.0.0.1 (the /v2
 * API, and the master's {@code /metrics/snapshot} for offer counts), with a Vert.x HTTP client.
 * Blocking calls for the benchmark's main thread; each is started on one Vert.x context (as
 * {@code OnContext} does in tests: Vert.x 5.0.7's client, driven from a thread outside Vert.x,
 * now and then never wrote a request) and bounded by {@code timeoutMillis}. The event stream has
 * a client of its own, so that its long-lived connection takes no place in the calls' pool.
 */
final class V2Client implements AutoCloseable {

  /** One answer. */
  record Response(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }
  }

  private final Context context;
  private final HttpClient client;
  private final HttpClient streamClient;
  private final String host;
  private final int port;
  private final long timeoutMillis;

  V2Client(Vertx vertx, String host, int port, long timeoutMillis) {
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    this.streamClient = vertx.createHttpClient(new HttpClientOptions());
    this.host = host;
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  Response get(String uri) throws Exception {
    return call(HttpMethod.GET, uri, null);
  }

  Response post(String uri, String body) throws Exception {
    return call(HttpMethod.POST, uri, body);
  }

  /** One request and its whole answer; throws a TimeoutException naming the call after {@code timeoutMillis}. */
  Response call(HttpMethod method, String uri, String body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
        .setIdleTimeout(timeoutMillis).putHeader("Accept", "application/json");
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body);
    Future<Response> answer = onContext(() -> client.request(options).compose(req -> req.send(payload))
        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b.toString()))));
    try {
      return answer.await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException(method + " " + uri + " got no answer within " + timeoutMillis + " ms");
    }
  }

  /**
   * Opens {@code GET uri} as a server-sent event stream feeding {@code events}; returns once the
   * stream answered 200 (else throws, naming the status).
   */
  void openEvents(String uri, V2Events events) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri)
        .putHeader("Accept", "text/event-stream");
    Future<Integer> opened = onContext(() -> streamClient.request(options).compose(req -> req.send()).map(resp -> {
      if (resp.statusCode() == 200) {
        resp.handler(events::received);
        resp.endHandler(v -> events.closed("the server ended the stream"));
        resp.exceptionHandler(err -> events.closed(String.valueOf(err.getMessage())));
      }
      return resp.statusCode();
    }));
    int status = opened.await(timeoutMillis, TimeUnit.MILLISECONDS);
    if (status != 200) {
      throw new IllegalStateException("GET " + uri + " answered " + status + ", expected an event stream");
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  @Override
  public void close() {
    try {
      Future.join(client.close(), streamClient.close()).await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Vert.x closes what is left when it closes.
    }
  }
}
