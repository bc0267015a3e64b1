package io.meso.security.http;

import io.meso.codecs.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * A request as the handlers behind the gate see it: its {@link Addresses#PRINCIPAL_HEADER} is
 * the one the gate authenticated (or absent), never one the client sent. The headers are a copy,
 * so this holds for HTTP/1 and HTTP/2 alike, whatever the protocol's own headers allow.
 *
 * <p>It also remembers whether a handler took over the request's flow ({@link #pause},
 * {@link #resume}, {@link #fetch}): the gate pauses a request while it checks a password off the
 * event loop, and resumes it after handing it on only if the handler did not.
 */
public final class GatedRequest extends HttpServerRequestWrapper {

  private final MultiMap headers;
  private boolean flowTaken;

  private GatedRequest(HttpServerRequestInternal request, String principal) {
    super(request);
    MultiMap copy = HeadersMultiMap.httpHeaders();
    copy.addAll(request.headers());
    copy.remove(Addresses.PRINCIPAL_HEADER);
    if (principal != null) {
      copy.add(Addresses.PRINCIPAL_HEADER, principal);
    }
    this.headers = copy;
  }

  /** {@code request} with {@code principal} (null: none) as its only principal header. */
  public static GatedRequest of(HttpServerRequest request, String principal) {
    if (!(request instanceof HttpServerRequestInternal internal)) {
      throw new IllegalStateException("the HTTP server handed over a request of an unknown kind: " + request.getClass());
    }
    return new GatedRequest(internal, principal);
  }

  boolean flowTaken() {
    return flowTaken;
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public String getHeader(String name) {
    return headers.get(name);
  }

  @Override
  public String getHeader(CharSequence name) {
    return headers.get(name);
  }

  @Override
  public HttpServerRequest pause() {
    flowTaken = true;
    return super.pause();
  }

  @Override
  public HttpServerRequest resume() {
    flowTaken = true;
    return super.resume();
  }

  @Override
  public HttpServerRequest fetch(long amount) {
    flowTaken = true;
    return super.fetch(amount);
  }
}
