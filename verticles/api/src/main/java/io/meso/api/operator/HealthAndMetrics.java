package io.meso.api.operator;

import static io.meso.api.operator.Replies.failed;
import static io.meso.api.operator.Replies.json;
import static io.meso.api.operator.Replies.text;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesosJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * What monitoring reads: Mesos's {@code /metrics/snapshot} (also under {@code /master}) and
 * {@code /master/health}, Prometheus {@code /metrics} ({@link PrometheusMetrics}), and the
 * probes {@code /livez} (the process answers) and {@code /readyz} (a leading master answers).
 */
final class HealthAndMetrics {

  private final Vertx vertx;
  private final MasterClient master;
  private final Supplier<Future<Boolean>> leading;

  /** @param leading answers whether this node's master leads (or knows the leader), for {@code /readyz}. */
  HealthAndMetrics(Vertx vertx, MasterClient master, Supplier<Future<Boolean>> leading) {
    this.vertx = vertx;
    this.master = master;
    this.leading = leading;
  }

  void mount(Router router) {
    for (String path : List.of("/metrics/snapshot", "/master/metrics/snapshot")) {
      router.get(path).handler(this::metricsSnapshot);
    }
    router.get("/master/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/metrics").handler(this::prometheus);
    router.get("/livez").handler(ctx -> text(ctx, 200, "ok\n"));
    router.get("/readyz").handler(this::readyz);
  }

  private void metricsSnapshot(RoutingContext ctx) {
    master.as(ctx).metrics().onSuccess(m -> json(ctx, 200, MesosJson.metricsSnapshot(m))).onFailure(e -> failed(ctx, e));
  }

  private void prometheus(RoutingContext ctx) {
    master.as(ctx).metrics()
        .compose(m -> vertx.executeBlocking(() -> PrometheusMetrics.registry().scrape() + PrometheusMetrics.meso(m), false))
        .onSuccess(body -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(body))
        .onFailure(e -> failed(ctx, e));
  }

  private void readyz(RoutingContext ctx) {
    leading.get().onComplete(ar -> {
      if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
        text(ctx, 200, "ready: the master is leading\n");
      } else {
        text(ctx, 503, "not ready: no leading master answers on " + Addresses.OPERATOR + "\n");
      }
    });
  }
}
