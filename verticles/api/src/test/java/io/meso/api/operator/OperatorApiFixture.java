package io.meso.api.operator;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.testkit.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The operator HTTP API alone on a Vert.x of its own (with Meso's codecs), listening on
 * 127.0.0.1 and a random port, and a client for it; optionally a stand-in master consuming
 * {@link Addresses#OPERATOR}, registered before the server listens. Requests start on the
 * fixture's context ({@link OnContext}).
 */
final class OperatorApiFixture implements AutoCloseable {

  /** An answer: status, headers and the body as text. */
  record Resp(int status, MultiMap headers, String body) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClient http;
  private final Context context;

  private OperatorApiFixture(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
    this.http = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
  }

  /**
   * @param timeoutMillis how long the API waits for the master
   * @param master the stand-in master's handler, or null for no master on the bus
   */
  static OperatorApiFixture start(long timeoutMillis, Handler<Message<Object>> master) throws Exception {
    Vertx vertx = Vertx.vertx();
    MesoCodecs.register(vertx);
    if (master != null) {
      vertx.eventBus().consumer(Addresses.OPERATOR, master).completion().await(10, TimeUnit.SECONDS);
    }
    Router router = Router.router(vertx);
    new OperatorHttpApi(vertx, timeoutMillis).mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    return new OperatorApiFixture(vertx, server);
  }

  /** Sends a request; a body goes as {@code Content-Type: application/json}. */
  Resp send(HttpMethod method, String uri, String body) throws Exception {
    return OnContext.run(context, () -> http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1")
                .setPort(server.actualPort()).setURI(uri))
            .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body))
            .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b.toString()))))
        .await(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
