package io.meso.codecs;

import io.meso.v1.scheduler.Call;
import java.util.List;

/** The scheduler call types Meso takes, and what a refusal of an unknown type says. */
public final class CallTypes {

  /** The types every door accepts (UNKNOWN and the inverse-offer calls excluded). */
  public static final List<Call.Type> ALLOWED = List.of(Call.Type.SUBSCRIBE, Call.Type.TEARDOWN, Call.Type.ACCEPT,
      Call.Type.DECLINE, Call.Type.REVIVE, Call.Type.SUPPRESS, Call.Type.KILL, Call.Type.SHUTDOWN,
      Call.Type.ACKNOWLEDGE, Call.Type.RECONCILE, Call.Type.MESSAGE, Call.Type.REQUEST);

  private CallTypes() {}

  /**
   * Why a call without a known type is refused, naming what was received: the JSON name
   * ({@code rawJsonType}, which the JSON parser drops), an enum number protobuf kept as an unknown
   * field, UNKNOWN, or nothing.
   */
  public static String unknown(Call call, Object rawJsonType) {
    String got;
    var number = call.getUnknownFields().getField(Call.TYPE_FIELD_NUMBER);
    if (rawJsonType != null) {
      got = "call.type " + (rawJsonType instanceof String s ? "'" + s + "'" : String.valueOf(rawJsonType))
          + " is not a call type";
    } else if (number != null && !number.getVarintList().isEmpty()) {
      got = "call.type " + number.getVarintList().get(number.getVarintList().size() - 1) + " is not a call type number";
    } else if (call.hasType()) {
      got = "call.type is UNKNOWN";
    } else {
      got = "call.type is missing";
    }
    return got + "; expected one of " + ALLOWED;
  }
}
