package io.meso.codecs;

import com.google.protobuf.Descriptors;
import java.util.List;

/**
 * The operator calls Meso takes, read from the {@code Operator} service of {@code meso/api.proto}:
 * each rpc's name is the action an operator call carries in {@link Addresses#ACTION_HEADER} on the
 * event bus, and the gRPC method it is served as. A new rpc in the proto is a new action
 * everywhere; nothing else keeps a list.
 */
public final class OperatorActions {

  /** Every action, in the order of the service's rpcs. */
  public static final List<String> ALL = io.meso.proto.Api.getDescriptor().findServiceByName("Operator").getMethods()
      .stream().map(Descriptors.MethodDescriptor::getName).toList();

  private OperatorActions() {}

  /** "A, B, ... or Z": what a refusal of a missing or unknown action says is allowed. */
  public static String expected() {
    return String.join(", ", ALL.subList(0, ALL.size() - 1)) + " or " + ALL.get(ALL.size() - 1);
  }
}
