package io.meso.api.server;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cluster.MesoCluster;
import io.meso.api.operator.OperatorHttpApi;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A malformed percent-encoding in a query ({@code path=%zz}) on the master's HTTP port with the
 * operator HTTP API mounted (its /files proxy reads the parameters before it asks any master): 400 naming
 * the parameter and the value, never 500.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedQueryTest {

  static Vertx vertx;
  static HttpClient http;
  static io.vertx.core.Context CTX;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    ApiServerVerticle server = new ApiServerVerticle(new ApiServerOptions().setPort(0).setMasterTimeoutMillis(2_000));
    vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    new OperatorHttpApi(vertx, 2_000).mount(server.router());
    port = server.actualPort();
    http = vertx.createHttpClient();
    CTX = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource({
      "/files/read?task_id=t&path=%zz&offset=0,          path,    %zz",
      "/files/download?task_id=t&path=std%zzout,         path,    std%zzout",
      "/files/browse?task_id=t&path=%,                   path,    %",
      "/files/read?task_id=%zz&path=stdout,              task_id, %zz",
      "/files/read?task_id=t&path=stdout&offset=%2,      offset,  %2"})
  void malformedQueriesAre400NamingTheParameterAndValue(String uri, String parameter, String value) throws Exception {
    int[] status = new int[1];
    String body = io.meso.testkit.OnContext.run(CTX, () -> http.request(HttpMethod.GET, port, "127.0.0.1", uri)
        .compose(req -> req.send())
        .compose(resp -> {
          status[0] = resp.statusCode();
          return resp.body();
        }))
        .await(20, TimeUnit.SECONDS).toString();
    assertThat(status[0]).as(body).isEqualTo(400);
    assertThat(body).contains("query parameter " + parameter, "'" + value + "'", "%25");
  }
}
