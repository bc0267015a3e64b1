package io.meso.doors;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.codecs.Addresses;
import io.meso.doors.BadInputFixture.Credential;
import io.meso.doors.BadInputFixture.Session;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.scheduler.Call;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad scheduler calls, one table run over every scheduler door (Mesos HTTP API with JSON and
 * protobuf bodies, gRPC, event bus): each row is refused with the same status on every door and
 * a message naming the field, the value and what is allowed, unless the row records a door that
 * answers otherwise today ({@link Row#divergent}). After the table the master still has every
 * framework and task it accepted before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchedulerBadInputTest {

  @RegisterExtension
  static final BadInputFixture fixture = new BadInputFixture();

  /**
   * An expected answer: the status (HTTP-style; {@link #ACCEPTED} for any success) and message
   * fragments, in which {own} stands for the door's framework id, {other} for another door's and
   * {presented} for the subscription the call presented.
   */
  record Expect(int code, List<String> fragments) {
    static final int ACCEPTED = 2;

    static Expect of(int code, String... fragments) {
      return new Expect(code, List.of(fragments));
    }
  }

  enum Kind { SUBSCRIBE, SEND }

  /**
   * One bad call: how to build it for a door (given that door's framework), the JSON the
   * HTTP_JSON door sends instead (null: the call as JSON), the subscription it presents, which
   * doors it applies to, what every door must answer, and the doors that answer otherwise today
   * (reported, kept here so a change is seen).
   */
  record Row(String name, Kind kind, BiFunction<Door, Session, Call> call, String json, Credential credential,
      List<Door> doors, Expect expected, Map<Door, Expect> divergent, boolean valueTruncated) {

    @Override
    public String toString() {
      return name;
    }

    Row json(String body) {
      return new Row(name, kind, call, body, credential, doors, expected, divergent, valueTruncated);
    }

    Row presenting(Credential c) {
      return new Row(name, kind, call, json, c, doors, expected, divergent, valueTruncated);
    }

    Row only(Door... only) {
      return new Row(name, kind, call, json, credential, List.of(only), expected, divergent, valueTruncated);
    }

    Row except(Door door, Expect otherwise) {
      Map<Door, Expect> d = new java.util.EnumMap<>(Door.class);
      d.putAll(divergent);
      d.put(door, otherwise);
      return new Row(name, kind, call, json, credential, doors, expected, Map.copyOf(d), valueTruncated);
    }

    Row truncatesValue() {
      return new Row(name, kind, call, json, credential, doors, expected, divergent, true);
    }
  }

  static Row send(String name, BiFunction<Door, Session, Call> call, Expect expected) {
    return new Row(name, Kind.SEND, call, null, Credential.OWN, Door.SCHEDULER, expected, Map.of(), false);
  }

  static Row subscribe(String name, Call.Subscribe.Builder subscribe, Expect expected) {
    return subscribe(name, Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build(), expected);
  }

  static Row subscribe(String name, Call call, Expect expected) {
    return new Row(name, Kind.SUBSCRIBE, (d, s) -> call, null, Credential.NONE, Door.SCHEDULER, expected, Map.of(),
        false);
  }

  static Row subscribe(String name, FrameworkInfo info, Expect expected) {
    return subscribe(name, Call.Subscribe.newBuilder().setFrameworkInfo(info), expected);
  }

  static FrameworkID id(String value) {
    return FrameworkID.newBuilder().setValue(value).build();
  }

  static Call.Builder of(Session s, Call.Type type) {
    return Call.newBuilder().setFrameworkId(id(s.frameworkId())).setType(type);
  }

  /** The framework of another door than {@code door}. */
  static Session other(Door door) {
    return fixture.session(door == Door.GRPC ? Door.EVENT_BUS : Door.GRPC);
  }

  /** A call for another door's framework, presenting this door's own subscription. */
  static Row anotherFramework(Call.Type type) {
    return send(type + " for another subscription's framework", (d, s) -> of(other(d), type).build(),
        Expect.of(403, "'{other}'", "does not come from the framework's current subscription"))
        .except(Door.HTTP_JSON, Expect.of(400, "'{presented}'", "belongs to framework '{own}'",
            "not to framework '{other}'"))
        .except(Door.HTTP_PROTOBUF, Expect.of(400, "'{presented}'", "belongs to framework '{own}'",
            "not to framework '{other}'"));
  }

  static String big(int n) {
    return "x".repeat(n);
  }

  static final FrameworkInfo OK = FrameworkInfo.newBuilder().setName("ok").setUser("").build();
  static final FrameworkInfo.Capability MULTI_ROLE = FrameworkInfo.Capability.newBuilder()
      .setType(FrameworkInfo.Capability.Type.MULTI_ROLE).build();
  /** gRPC refuses a message above its frame limit before the master sees it: the field is not named. */
  static final Expect GRPC_FRAME_LIMIT = Expect.of(400, "mesos.v1.scheduler.Call", "more than the server accepts");

  static Stream<Row> rows() {
    Call unknownTypeNumber;
    try {
      // Call.type (field 2) = 99: kept by protobuf as an unknown field.
      unknownTypeNumber = Call.parseFrom(new byte[] {0x10, 99});
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return Stream.of(
        // ---- every call but SUBSCRIBE
        send("call type missing", (d, s) -> Call.newBuilder().setFrameworkId(id(s.frameworkId())).build(),
            Expect.of(400, "call.type is missing", "SUBSCRIBE", "RECONCILE")),
        send("call type number unknown", (d, s) -> unknownTypeNumber.toBuilder().setFrameworkId(id(s.frameworkId()))
            .build(), Expect.of(400, "call.type 99 is not a call type", "SUBSCRIBE", "RECONCILE"))
            .only(Door.HTTP_PROTOBUF, Door.GRPC, Door.EVENT_BUS),
        send("call type name unknown", (d, s) -> of(s, Call.Type.REVIVE).build(),
            Expect.of(400, "call.type 'BOGUS' is not a call type", "SUBSCRIBE", "RECONCILE"))
            .only(Door.HTTP_JSON).json("{\"type\":\"BOGUS\"}"),
        send("framework id missing", (d, s) -> Call.newBuilder().setType(Call.Type.REVIVE).build(),
            Expect.of(400, "call.framework_id is missing")),
        send("framework unknown", (d, s) -> Call.newBuilder().setFrameworkId(id("no-such-framework"))
            .setType(Call.Type.REVIVE).build(), Expect.of(403, "'no-such-framework'", "SUBSCRIBE"))
            .presenting(Credential.STRANGER),
        anotherFramework(Call.Type.REVIVE),
        anotherFramework(Call.Type.TEARDOWN),
        anotherFramework(Call.Type.SUPPRESS),
        anotherFramework(Call.Type.KILL),
        send("subscription not the framework's current one", (d, s) -> of(s, Call.Type.REVIVE).build(),
            Expect.of(403, "'{own}'", "{presented}", "does not come from the framework's current subscription"))
            .presenting(Credential.STRANGER)
            .except(Door.HTTP_JSON, Expect.of(400, "'{presented}'", "is not the current stream of framework '{own}'"))
            .except(Door.HTTP_PROTOBUF, Expect.of(400, "'{presented}'", "is not the current stream of framework '{own}'")),
        send("no subscription presented", (d, s) -> of(s, Call.Type.REVIVE).build(),
            Expect.of(412, "'{own}'", "does not say which subscription it comes from", "mesos-stream-id"))
            .presenting(Credential.NONE)
            .except(Door.HTTP_JSON, Expect.of(400, "Mesos-Stream-Id header is required"))
            .except(Door.HTTP_PROTOBUF, Expect.of(400, "Mesos-Stream-Id header is required")),
        send("ACCEPT without accept", (d, s) -> of(s, Call.Type.ACCEPT).build(),
            Expect.of(400, "call.accept is missing")),
        send("ACCEPT with an unsupported operation", (d, s) -> of(s, Call.Type.ACCEPT).setAccept(Call.Accept
                .newBuilder().addOfferIds(OfferID.newBuilder().setValue("o"))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.CREATE))).build(),
            Expect.of(400, "accept.operations[0].type CREATE is not supported", "LAUNCH", "RESERVE")),
        send("ACCEPT with a LAUNCH without launch", (d, s) -> of(s, Call.Type.ACCEPT).setAccept(Call.Accept
                .newBuilder().addOfferIds(OfferID.newBuilder().setValue("o"))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH))).build(),
            Expect.of(400, "accept.operations[0].launch is missing")),
        send("ACCEPT with a RESERVE of nothing", (d, s) -> of(s, Call.Type.ACCEPT).setAccept(Call.Accept
                .newBuilder().addOfferIds(OfferID.newBuilder().setValue("o"))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE))).build(),
            Expect.of(400, "accept.operations[0].reserve.resources is empty")),
        // Mesos answers 202: the tasks of an ACCEPT of unknown offers are dropped, not the call.
        send("ACCEPT of an unknown offer", (d, s) -> of(s, Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
            .addOfferIds(OfferID.newBuilder().setValue("no-such-offer"))).build(), Expect.of(Expect.ACCEPTED)),
        // ---- SUBSCRIBE
        subscribe("SUBSCRIBE without framework_info", Call.Subscribe.newBuilder(),
            Expect.of(400, "subscribe.framework_info is missing")),
        subscribe("framework name missing", FrameworkInfo.newBuilder().setUser("").build(),
            Expect.of(400, "framework_info.name is missing")),
        subscribe("framework user missing", FrameworkInfo.newBuilder().setName("x").build(),
            Expect.of(400, "framework_info.user is missing")),
        subscribe("failover timeout NaN", OK.toBuilder().setFailoverTimeout(Double.NaN).build(),
            Expect.of(400, "framework_info.failover_timeout is NaN", ">= 0")),
        subscribe("failover timeout negative", OK.toBuilder().setFailoverTimeout(-1).build(),
            Expect.of(400, "framework_info.failover_timeout is -1.0", ">= 0")),
        subscribe("roles without MULTI_ROLE", OK.toBuilder().addRoles("a").build(),
            Expect.of(400, "framework_info.roles", "without the MULTI_ROLE capability")),
        subscribe("role with a space", OK.toBuilder().addCapabilities(MULTI_ROLE).addRoles("a b").build(),
            Expect.of(400, "framework_info.roles", "'a b'")),
        subscribe("role listed twice", OK.toBuilder().addCapabilities(MULTI_ROLE).addRoles("a").addRoles("a").build(),
            Expect.of(400, "framework_info.roles lists 'a' twice")),
        subscribe("framework id differs from framework_info.id", Call.newBuilder().setType(Call.Type.SUBSCRIBE)
            .setFrameworkId(id("call-id")).setSubscribe(Call.Subscribe.newBuilder()
                .setFrameworkInfo(OK.toBuilder().setId(id("info-id")))).build(),
            Expect.of(400, "call.framework_id 'call-id' differs from subscribe.framework_info.id 'info-id'")),
        subscribe("oversized name", OK.toBuilder().setName(big(2 * 1024 * 1024)).build(),
            Expect.of(400, "framework_info.name is 2097152 bytes ('xxxx", "at most"))
            .truncatesValue().except(Door.GRPC, GRPC_FRAME_LIMIT),
        subscribe("oversized principal", OK.toBuilder().setPrincipal(big(5000)).build(),
            Expect.of(400, "framework_info.principal is 5000 bytes", "at most")).truncatesValue(),
        subscribe("oversized hostname", OK.toBuilder().setHostname(big(300)).build(),
            Expect.of(400, "framework_info.hostname is 300 bytes", "at most")).truncatesValue(),
        subscribe("oversized role", OK.toBuilder().setRole(big(300)).build(),
            Expect.of(400, "framework_info.role", "at most")).truncatesValue(),
        subscribe("oversized label", OK.toBuilder().setLabels(Labels.newBuilder().addLabels(Label.newBuilder()
                .setKey("k").setValue(big(7 * 1024 * 1024)))).build(),
            Expect.of(400, "framework_info.labels[0].value is 7340032 bytes", "at most"))
            .truncatesValue().except(Door.GRPC, GRPC_FRAME_LIMIT));
  }

  static Stream<Arguments> cases() {
    return rows().flatMap(row -> row.doors().stream().map(door -> Arguments.of(row, door)));
  }

  @ParameterizedTest(name = "[{index}] {0} via {1}")
  @MethodSource("cases")
  void isRefusedAlikeOnEveryDoor(Row row, Door door) throws Exception {
    Session own = fixture.session(door);
    Call call = row.call().apply(door, own);
    String presented = fixture.proof(door, row.credential());
    Reply reply = row.kind() == Kind.SUBSCRIBE ? fixture.subscribe(door, call)
        : fixture.send(door, call, row.json(), presented);
    Expect expected = row.divergent().getOrDefault(door, row.expected());
    String what = row + " via " + door + ": " + reply;
    if (expected.code() == Expect.ACCEPTED) {
      assertThat(reply.succeeded()).as(what).isTrue();
    } else {
      assertThat(reply.code()).as(what).isEqualTo(expected.code());
    }
    for (String fragment : expected.fragments()) {
      assertThat(reply.message()).as(what).contains(fragment.replace("{own}", own.frameworkId())
          .replace("{other}", other(door).frameworkId())
          .replace("{presented}", String.valueOf(presented)));
    }
    if (row.valueTruncated()) {
      assertThat(reply.message().length()).as("the value is truncated in the message: " + what).isLessThan(400);
    }
    // A framework's current stream id proves its subscription: no answer names one it was not given.
    for (Door d : Door.SCHEDULER) {
      String credential = fixture.session(d).credential();
      if (!credential.equals(presented)) {
        assertThat(reply.message()).as(what).doesNotContain(credential);
      }
    }
  }

  // ---- door-specific ----------------------------------------------------------------------

  @Test
  void anEventBusSubscribeMustNameItsEventsAddress() throws Exception {
    Reply reply = fixture.bus(Addresses.SCHEDULER, Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(OK)).build(), new DeliveryOptions());
    assertThat(reply.code()).isEqualTo(400);
    assertThat(reply.message()).contains(Addresses.EVENTS_HEADER);
  }
}
