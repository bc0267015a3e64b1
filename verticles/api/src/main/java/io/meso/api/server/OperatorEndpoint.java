package io.meso.api.server;

import io.meso.proto.OperatorGrpcService;
import io.meso.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.meso.codecs.MasterRequests;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;

/**
 * The gRPC Operator service: each call is forwarded to {@link Addresses#OPERATOR} with the
 * call's method name in {@link Addresses#ACTION_HEADER}, and the master's reply is the response.
 */
final class OperatorEndpoint {

  private final MasterRequests master;
  private final long timeoutMillis;

  OperatorEndpoint(MasterRequests master, long timeoutMillis) {
    this.master = master;
    this.timeoutMillis = timeoutMillis;
  }

  /** Every method of the Operator service (meso/api.proto), forwarded under its own name: a new operator call needs nothing here. */
  void bind(GrpcServer server) {
    for (ServiceMethod<?, ?> method : OperatorGrpcService.all()) {
      forward(server, method, method.methodName());
    }
  }

  private <Req, Resp> void forward(GrpcServer server, ServiceMethod<Req, Resp> method, String action) {
    server.callHandler(method, request -> {
      // The gate set the principal on the request (and removed any the client sent).
      String principal = request.headers().get(Addresses.PRINCIPAL_HEADER);
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Addresses.ACTION_HEADER, action)
          .setSendTimeout(timeoutMillis);
      if (principal != null) {
        options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
      }
      UnaryCalls.handle(request, method, Addresses.OPERATOR,
          (Req msg) -> master.<Resp>request(Addresses.OPERATOR, msg, options).compose(reply -> Future.succeededFuture(reply.body())));
    });
  }
}
