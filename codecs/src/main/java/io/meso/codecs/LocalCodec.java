package io.meso.codecs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The codec for immutable Java objects that only travel between verticles of one JVM (for
 * example master to allocator). It passes the reference through and refuses to go on the
 * wire: sending such an object to a clustered address is a programming error.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {

  public static final String NAME = "meso.local";

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new IllegalStateException(o.getClass().getName() + " is local-only and cannot cross the clustered event bus");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("local-only messages cannot be decoded from the wire");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
