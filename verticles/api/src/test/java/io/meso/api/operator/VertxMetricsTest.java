package io.meso.api.operator;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With {@link PrometheusMetrics#vertxMetricsOptions()}, /metrics carries Vert.x's own metrics beside the JVM's. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VertxMetricsTest {

  @Test
  void vertxHttpServerMetricsAreInTheRegistry() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(PrometheusMetrics.vertxMetricsOptions()));
    try {
      Router router = Router.router(vertx);
      router.get("/hello").handler(ctx -> ctx.end("hi"));
      var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
      var http = vertx.createHttpClient();
      int status = OnContext.run(vertx, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setHost("127.0.0.1").setPort(server.actualPort()).setURI("/hello"))
          .compose(req -> req.send()).map(resp -> resp.statusCode())).await(30, TimeUnit.SECONDS);
      assertThat(status).isEqualTo(200);
      String scrape = PrometheusMetrics.registry().scrape();
      assertThat(scrape).contains("vertx_http_server_requests", "jvm_memory_used_bytes");
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
