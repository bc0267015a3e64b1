package io.meso.api.operator;

import static io.meso.api.operator.Replies.failed;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Mesos's v0 state endpoints: {@code /state} (also {@code /state.json}, {@code /master/state},
 * {@code /master/state.json}), {@code /state-summary} and {@code /redirect} (307 to the master
 * the master's own info names), each with and without the {@code /master} prefix.
 */
final class StateEndpoints {

  private final MasterClient master;

  StateEndpoints(MasterClient master) {
    this.master = master;
  }

  void mount(Router router) {
    for (String path : List.of("/state", "/state.json", "/master/state", "/master/state.json")) {
      router.get(path).handler(this::state);
    }
    for (String path : List.of("/state-summary", "/master/state-summary")) {
      router.get(path).handler(this::stateSummary);
    }
    for (String path : List.of("/redirect", "/master/redirect")) {
      router.get(path).handler(this::redirect);
    }
  }

  /** Streamed a page of tasks at a time ({@link StateStream}): at a million tasks it is over a gigabyte. */
  private void state(RoutingContext ctx) {
    StateStream.state(ctx, master.as(ctx), StateStream.PAGE);
  }

  private void stateSummary(RoutingContext ctx) {
    StateStream.stateSummary(ctx, master.as(ctx), StateStream.PAGE);
  }

  private void redirect(RoutingContext ctx) {
    master.as(ctx).state().onSuccess(s -> {
      var info = s.getMasterInfo();
      ctx.response().setStatusCode(307).putHeader(HttpHeaders.LOCATION, "//" + info.getHostname() + ":" + info.getPort())
          .end();
    }).onFailure(e -> failed(ctx, e));
  }
}
