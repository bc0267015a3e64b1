package io.meso.doors;

/**
 * A way into the master: the Mesos v1 HTTP APIs (scheduler: JSON or protobuf bodies; operator:
 * JSON), gRPC, and the clustered event bus. A bad call must mean the same through each of them.
 */
public enum Door {
  HTTP_JSON, HTTP_PROTOBUF, GRPC, EVENT_BUS;

  /** The doors scheduler calls come through. */
  public static final java.util.List<Door> SCHEDULER = java.util.List.of(values());
  /** The doors operator calls come through (the operator HTTP API speaks JSON only). */
  public static final java.util.List<Door> OPERATOR = java.util.List.of(HTTP_JSON, GRPC, EVENT_BUS);
}
