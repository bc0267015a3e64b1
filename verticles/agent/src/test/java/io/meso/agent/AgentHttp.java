package io.meso.agent;

import io.meso.testkit.OnContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A client of one agent's HTTP endpoints for tests (requests started on a Vert.x context). */
final class AgentHttp {

  /** A response: status, Allow header and body. */
  record Answer(int status, String allow, String contentType, String body) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;

  AgentHttp(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  Answer call(HttpMethod method, String uri) throws Exception {
    return call(method, uri, java.util.Map.of());
  }

  /** A request with extra headers (Authorization, Host, Origin). */
  Answer call(HttpMethod method, String uri, java.util.Map<String, String> headers) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::putHeader);
    return OnContext.run(vertx, () -> client.request(options)
        .compose(r -> r.send())
        .compose((HttpClientResponse r) -> r.body().map((Buffer b) -> new Answer(r.statusCode(),
            r.getHeader("Allow"), r.getHeader("Content-Type"), b.toString()))))
        .await(15, TimeUnit.SECONDS);
  }

  Answer get(String uri) throws Exception {
    return call(HttpMethod.GET, uri);
  }

  JsonObject json(String uri) throws Exception {
    return new JsonObject(get(uri).body());
  }

  /** The {@code statistics} of the task's entry on /monitor/statistics, or null when it has none. */
  JsonObject statistics(String taskId) throws Exception {
    for (Object entry : new JsonArray(get("/monitor/statistics").body())) {
      JsonObject e = (JsonObject) entry;
      if (e.getString("executor_id").equals(taskId)) {
        return e.getJsonObject("statistics");
      }
    }
    return null;
  }
}
