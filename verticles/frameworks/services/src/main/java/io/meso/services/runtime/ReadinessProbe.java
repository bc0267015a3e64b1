package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.ReadinessCheck;
import io.meso.services.deploy.ReadinessCheckResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an app's readiness check against one new instance during a deployment, as Marathon's
 * {@code ReadinessCheckExecutor}: an HTTP GET of the check's path on the host port of the port
 * named {@code portName}, at once and then every {@code intervalSeconds}, each answer (a status in
 * {@code httpStatusCodesForReady} is ready; a timeout or refused connection is not) reported until
 * the first ready one, or until the instance or its deployment is gone. Callbacks run on the
 * caller's event loop (the framework's).
 */
final class ReadinessProbe {

  private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbe.class);

  private final Vertx vertx;
  private final HttpClient client;

  ReadinessProbe(Vertx vertx, HttpClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /**
   * Starts checking {@code instance} of {@code app}.
   *
   * @param report gets each answer
   * @param wanted false once the checks should stop (instance ended, deployment over)
   */
  void start(App app, Instance instance, Consumer<ReadinessCheckResult> report, BooleanSupplier wanted) {
    ReadinessCheck check = app.readinessChecks().get(0);
    int port = port(app, check, instance.hostPorts);
    probe(check, instance, port, report, wanted);
  }

  private void probe(ReadinessCheck check, Instance instance, int port, Consumer<ReadinessCheckResult> report,
      BooleanSupplier wanted) {
    if (!wanted.getAsBoolean()) {
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(instance.host)
        .setPort(port).setURI(check.path()).setIdleTimeout(check.timeoutSeconds() * 1000L)
        .setConnectTimeout(check.timeoutSeconds() * 1000L);
    client.request(options)
        .compose(req -> req.send().compose(resp -> resp.body().map(body -> new ReadinessCheckResult.HttpResponse(
            resp.statusCode(), resp.getHeader("Content-Type"), body.toString()))))
        .onComplete(ar -> {
          if (!wanted.getAsBoolean()) {
            return;
          }
          boolean ready = ar.succeeded() && check.httpStatusCodesForReady().contains(ar.result().status());
          ReadinessCheckResult.HttpResponse kept = ar.succeeded() && check.preserveLastResponse() ? ar.result() : null;
          if (ar.failed()) {
            LOG.debug("readiness check of {} failed: {}", instance.id, ar.cause().getMessage());
          }
          report.accept(new ReadinessCheckResult(check.name(), instance.id, ready, kept));
          if (!ready) {
            vertx.setTimer(Math.max(1, check.intervalSeconds()) * 1000L,
                t -> probe(check, instance, port, report, wanted));
          }
        });
  }

  /** The host port of the port named by the check (the first port if none has that name). */
  static int port(App app, ReadinessCheck check, List<Integer> hostPorts) {
    for (int i = 0; i < app.portDefinitions().size() && i < hostPorts.size(); i++) {
      if (check.portName().equals(app.portDefinitions().get(i).name())) {
        return hostPorts.get(i);
      }
    }
    return hostPorts.isEmpty() ? 0 : hostPorts.get(0);
  }
}
