package io.meso.codecs.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent gateway's wire: length-prefixed frames over one TCP (or TLS) connection per agent.
 * A frame is {@code int length} (of what follows, at most {@link #MAX_FRAME_BYTES}) then a
 * {@link Kind} byte and the kind's fields. Strings are {@code int length} (-1: null) and UTF-8;
 * headers are {@code int count} then name/value strings; a body is its type's name (a protobuf
 * message's full name as in {@link MesoCodecs#wireTypes()}, {@value #STRING} for a String,
 * {@value #NULL} for none) then its bytes as a length-prefixed blob. Only the types Meso's
 * event bus carries travel: anything else is refused when encoded, and an unknown type name or
 * malformed bytes when decoded, so a peer cannot make the other side load arbitrary classes.
 */
public final class GatewayWire {

  /** How often each end of a connection shows it is alive, by default. */
  public static final long DEFAULT_KEEPALIVE_MILLIS = 2_000;
  /** The kind an agent's proof of the cluster secret covers in its HELLO (over {@link #helloBytes}). */
  public static final String HELLO_KIND = "GatewayHello";
  /** The version a HELLO carries; a gateway refuses another. */
  public static final int VERSION = 1;
  /** Largest frame accepted (a sandbox file read answers in chunks far below it). */
  public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
  static final String STRING = "s";
  static final String NULL = "-";

  /** What a frame is. */
  public enum Kind {
    /**
     * agent -> gateway, first: version, agent id, proof of the cluster secret ("" without one), and
     * the connection's sequence number (increasing per agent: the newest connection of an agent wins).
     */
    HELLO,
    /** gateway -> agent: admitted; text: the gateway's node, address: the last leader it heard elected (or null). */
    WELCOME,
    /** gateway -> agent, then the gateway closes: code (401 proof refused, 400 malformed, 409 version), text. */
    REFUSED,
    /** either way: a one-way message to address. */
    SEND,
    /** either way: a request (id, timeout) to address; answered by REPLY or FAIL with the same id. */
    REQUEST,
    /** either way: the answer to REQUEST id. */
    REPLY,
    /** either way: REQUEST id failed (failure type, code, text), as the event bus fails a request. */
    FAIL,
    /** gateway -> agent: a message published to address (the leader's announcement). */
    PUBLISH,
    /** either way, every keepalive interval: the connection is alive. */
    KEEPALIVE;

    private static final Kind[] ALL = values();
  }

  /** One frame; fields a kind does not use are 0 or null. */
  public record Frame(Kind kind, long id, long timeoutMillis, String address, MultiMap headers, Object body,
      ReplyFailure failure, int code, String text) {

    public static Frame hello(String agentId, String proof, long sequence) {
      return new Frame(Kind.HELLO, VERSION, sequence, agentId, null, null, null, 0, proof);
    }

    public static Frame welcome(String node, String leader) {
      return new Frame(Kind.WELCOME, 0, 0, leader, null, null, null, 0, node);
    }

    public static Frame refused(int code, String why) {
      return new Frame(Kind.REFUSED, 0, 0, null, null, null, null, code, why);
    }

    public static Frame send(String address, MultiMap headers, Object body) {
      return new Frame(Kind.SEND, 0, 0, address, headers, body, null, 0, null);
    }

    public static Frame publish(String address, MultiMap headers, Object body) {
      return new Frame(Kind.PUBLISH, 0, 0, address, headers, body, null, 0, null);
    }

    public static Frame request(long id, long timeoutMillis, String address, MultiMap headers, Object body) {
      return new Frame(Kind.REQUEST, id, timeoutMillis, address, headers, body, null, 0, null);
    }

    public static Frame reply(long id, MultiMap headers, Object body) {
      return new Frame(Kind.REPLY, id, 0, null, headers, body, null, 0, null);
    }

    public static Frame fail(long id, ReplyFailure failure, int code, String text) {
      return new Frame(Kind.FAIL, id, 0, null, null, null, failure, code, text);
    }

    public static Frame keepalive() {
      return new Frame(Kind.KEEPALIVE, 0, 0, null, null, null, null, 0, null);
    }

    /** The HELLO's version (carried in id). */
    public int version() {
      return (int) id;
    }

    /** The HELLO's connection sequence number (carried in timeoutMillis). */
    public long sequence() {
      return timeoutMillis;
    }
  }

  /** A frame that could not be decoded or encoded; the connection carrying it is closed. */
  public static final class WireException extends RuntimeException {
    WireException(String message) {
      super(message);
    }
  }

  private static final Map<String, Parser<? extends Message>> PARSERS = parsers();
  private static final Map<Class<?>, String> NAMES = names();

  private GatewayWire() {}

  private static Map<String, Parser<? extends Message>> parsers() {
    Map<String, Parser<? extends Message>> parsers = new HashMap<>();
    for (Class<? extends Message> type : MesoCodecs.wireTypes()) {
      Message prototype = com.google.protobuf.Internal.getDefaultInstance(type);
      parsers.put(prototype.getDescriptorForType().getFullName(), prototype.getParserForType());
    }
    return Map.copyOf(parsers);
  }

  private static Map<Class<?>, String> names() {
    Map<Class<?>, String> names = new HashMap<>();
    for (Class<? extends Message> type : MesoCodecs.wireTypes()) {
      names.put(type, com.google.protobuf.Internal.getDefaultInstance(type).getDescriptorForType().getFullName());
    }
    return Map.copyOf(names);
  }

  /** What an agent's proof in its HELLO covers: its id and the connection's sequence number. */
  public static byte[] helloBytes(String agentId, long sequence) {
    return (agentId + "\n" + sequence).getBytes(StandardCharsets.UTF_8);
  }

  /** The frame as bytes, length prefix included. */
  public static Buffer encode(Frame f) {
    Buffer b = Buffer.buffer(64);
    b.appendInt(0);
    b.appendByte((byte) f.kind().ordinal());
    switch (f.kind()) {
      case HELLO -> {
        b.appendInt(f.version());
        string(b, f.address());
        string(b, f.text());
        b.appendLong(f.sequence());
      }
      case WELCOME -> {
        string(b, f.text());
        string(b, f.address());
      }
      case REFUSED -> {
        b.appendInt(f.code());
        string(b, f.text());
      }
      case SEND, PUBLISH -> {
        string(b, f.address());
        headers(b, f.headers());
        body(b, f.body());
      }
      case REQUEST -> {
        b.appendLong(f.id());
        b.appendLong(f.timeoutMillis());
        string(b, f.address());
        headers(b, f.headers());
        body(b, f.body());
      }
      case REPLY -> {
        b.appendLong(f.id());
        headers(b, f.headers());
        body(b, f.body());
      }
      case FAIL -> {
        b.appendLong(f.id());
        b.appendByte((byte) f.failure().ordinal());
        b.appendInt(f.code());
        string(b, f.text());
      }
      case KEEPALIVE -> {
      }
    }
    int length = b.length() - 4;
    if (length > MAX_FRAME_BYTES) {
      throw new WireException("a " + f.kind() + " frame of " + length + " bytes is over the limit of "
          + MAX_FRAME_BYTES);
    }
    b.setInt(0, length);
    return b;
  }

  /** Decodes one frame's bytes (after its length prefix). */
  public static Frame decode(Buffer b) {
    Reader r = new Reader(b);
    int k = r.u8();
    if (k >= Kind.ALL.length) {
      throw new WireException("unknown frame kind " + k);
    }
    Kind kind = Kind.ALL[k];
    Frame f = switch (kind) {
      case HELLO -> {
        int version = r.i32();
        String agent = r.string();
        String proof = r.string();
        yield new Frame(Kind.HELLO, version, r.i64(), agent, null, null, null, 0, proof);
      }
      case WELCOME -> {
        String node = r.string();
        yield Frame.welcome(node, r.string());
      }
      case REFUSED -> {
        int code = r.i32();
        yield Frame.refused(code, r.string());
      }
      case SEND, PUBLISH -> {
        String address = r.string();
        MultiMap headers = r.headers();
        yield new Frame(kind, 0, 0, address, headers, r.body(), null, 0, null);
      }
      case REQUEST -> {
        long id = r.i64();
        long timeout = r.i64();
        String address = r.string();
        MultiMap headers = r.headers();
        yield Frame.request(id, timeout, address, headers, r.body());
      }
      case REPLY -> {
        long id = r.i64();
        MultiMap headers = r.headers();
        yield Frame.reply(id, headers, r.body());
      }
      case FAIL -> {
        long id = r.i64();
        int type = r.u8();
        if (type >= ReplyFailure.values().length) {
          throw new WireException("unknown failure type " + type);
        }
        int code = r.i32();
        yield Frame.fail(id, ReplyFailure.values()[type], code, r.string());
      }
      case KEEPALIVE -> Frame.keepalive();
    };
    if (r.pos != b.length()) {
      throw new WireException(kind + " frame has " + (b.length() - r.pos) + " bytes left over");
    }
    return f;
  }

  /** Whether a body of this kind can travel (a Meso protobuf message, a String, or none). */
  public static boolean carries(Object body) {
    return body == null || body instanceof String || NAMES.containsKey(body.getClass());
  }

  private static void string(Buffer b, String s) {
    if (s == null) {
      b.appendInt(-1);
    } else {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      b.appendInt(bytes.length).appendBytes(bytes);
    }
  }

  private static void headers(Buffer b, MultiMap headers) {
    if (headers == null || headers.isEmpty()) {
      b.appendInt(0);
      return;
    }
    b.appendInt(headers.size());
    for (Map.Entry<String, String> e : headers) {
      string(b, e.getKey());
      string(b, e.getValue());
    }
  }

  private static void body(Buffer b, Object body) {
    if (body == null) {
      string(b, NULL);
      b.appendInt(0);
    } else if (body instanceof String s) {
      string(b, STRING);
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      b.appendInt(bytes.length).appendBytes(bytes);
    } else {
      String name = NAMES.get(body.getClass());
      if (name == null) {
        throw new WireException("a body of type " + body.getClass().getName() + " cannot cross the gateway (only "
            + "Meso's protobuf messages, strings and none)");
      }
      string(b, name);
      byte[] bytes = ((Message) body).toByteArray();
      b.appendInt(bytes.length).appendBytes(bytes);
    }
  }

  /** Reads fields in order, refusing truncated or oversized ones. */
  private static final class Reader {
    private final Buffer b;
    private int pos;

    Reader(Buffer b) {
      this.b = b;
    }

    private void need(int n) {
      if (n < 0 || pos + n > b.length()) {
        throw new WireException("truncated frame: " + n + " bytes needed at " + pos + " of " + b.length());
      }
    }

    int u8() {
      need(1);
      return b.getUnsignedByte(pos++);
    }

    int i32() {
      need(4);
      int v = b.getInt(pos);
      pos += 4;
      return v;
    }

    long i64() {
      need(8);
      long v = b.getLong(pos);
      pos += 8;
      return v;
    }

    byte[] blob() {
      int n = i32();
      need(n);
      byte[] bytes = b.getBytes(pos, pos + n);
      pos += n;
      return bytes;
    }

    String string() {
      int n = i32();
      if (n == -1) {
        return null;
      }
      need(n);
      String s = b.getString(pos, pos + n, "UTF-8");
      pos += n;
      return s;
    }

    MultiMap headers() {
      int n = i32();
      if (n < 0 || n > 1_000) {
        throw new WireException("a frame with " + n + " headers (at most 1000)");
      }
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i < n; i++) {
        String name = string();
        String value = string();
        if (name == null || value == null) {
          throw new WireException("a header without a name or value");
        }
        headers.add(name, value);
      }
      return headers;
    }

    Object body() {
      String type = string();
      byte[] bytes = blob();
      if (NULL.equals(type)) {
        return null;
      }
      if (STRING.equals(type)) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
      Parser<? extends Message> parser = type == null ? null : PARSERS.get(type);
      if (parser == null) {
        throw new WireException("unknown body type '" + type + "' (expected a Meso protobuf message's full name, "
            + STRING + " or " + NULL + ")");
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new WireException("malformed " + type + ": " + e.getMessage());
      }
    }
  }
}
