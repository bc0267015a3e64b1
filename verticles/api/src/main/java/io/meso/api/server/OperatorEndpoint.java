package io.meso.api.server;

import io.meso.proto.OperatorGrpcService;
import io.meso.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;

/**
 * The gRPC Operator service: each call is forwarded to {@link Addresses#OPERATOR} with the
 * call's name in {@link Addresses#ACTION_HEADER}, and the master's reply is the response.
 */
final class OperatorEndpoint {

  private final EventBus bus;
  private final long timeoutMillis;

  OperatorEndpoint(EventBus bus, long timeoutMillis) {
    this.bus = bus;
    this.timeoutMillis = timeoutMillis;
  }

  void bind(GrpcServer server) {
    forward(server, OperatorGrpcService.GetState, "GetState");
    forward(server, OperatorGrpcService.GetTasks, "GetTasks");
    forward(server, OperatorGrpcService.KillTask, "KillTask");
    forward(server, OperatorGrpcService.ReadFile, "ReadFile");
    forward(server, OperatorGrpcService.ListFiles, "ListFiles");
    forward(server, OperatorGrpcService.GetMetrics, "GetMetrics");
    forward(server, OperatorGrpcService.Teardown, "Teardown");
    forward(server, OperatorGrpcService.SetWeights, "SetWeights");
    forward(server, OperatorGrpcService.GetRoles, "GetRoles");
    forward(server, OperatorGrpcService.SetQuota, "SetQuota");
    forward(server, OperatorGrpcService.GetQuota, "GetQuota");
    forward(server, OperatorGrpcService.GetOfferSkips, "GetOfferSkips");
    forward(server, OperatorGrpcService.DrainAgent, "DrainAgent");
    forward(server, OperatorGrpcService.MarkAgentGone, "MarkAgentGone");
  }

  private <Req, Resp> void forward(GrpcServer server, ServiceMethod<Req, Resp> method, String action) {
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(Addresses.ACTION_HEADER, action)
        .setSendTimeout(timeoutMillis);
    server.callHandler(method, request -> UnaryCalls.handle(request, method, Addresses.OPERATOR,
        (Req msg) -> bus.<Resp>request(Addresses.OPERATOR, msg, options).compose(reply -> Future.succeededFuture(reply.body()))));
  }
}
