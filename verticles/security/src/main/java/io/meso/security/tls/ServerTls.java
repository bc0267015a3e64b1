package io.meso.security.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A server's certificate and key from PEM files (the master's HTTP/gRPC port: {@code --tls-cert},
 * {@code --tls-key}), checked when loaded: both files readable, the certificate valid now, the key
 * the certificate's own. The server then speaks HTTP/2 (what gRPC needs) and HTTP/1.1, chosen by
 * ALPN. The bytes checked are the bytes served: the files are read once, here.
 */
public final class ServerTls {

  public static final String CERT_FLAG = "--tls-cert";
  public static final String KEY_FLAG = "--tls-key";

  private final Path certFile;
  private final Path keyFile;
  private final byte[] certPem;
  private final byte[] keyPem;
  private final List<X509Certificate> chain;

  private ServerTls(Path certFile, Path keyFile, byte[] certPem, byte[] keyPem, List<X509Certificate> chain) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.chain = chain;
  }

  /** Loads {@code --tls-cert} and {@code --tls-key}. */
  public static ServerTls load(Path cert, Path key) {
    return load(CERT_FLAG, cert, KEY_FLAG, key);
  }

  /**
   * Loads and checks a certificate (chain, leaf first) and its key; the flags name the files in
   * refusals.
   *
   * @throws TlsConfigException naming the flag, the file and what was expected
   */
  public static ServerTls load(String certFlag, Path cert, String keyFlag, Path key) {
    if (cert == null || key == null) {
      throw new TlsConfigException(cert == null
          ? certFlag + " is missing: " + keyFlag + " was given, and TLS needs both a certificate and its key"
          : keyFlag + " is missing: " + certFlag + " was given, and TLS needs both a certificate and its key");
    }
    byte[] certPem = PemFiles.read(certFlag, cert);
    byte[] keyPem = PemFiles.read(keyFlag, key);
    List<X509Certificate> chain = PemFiles.certificates(certFlag, cert, certPem);
    PrivateKey privateKey = PemFiles.privateKey(keyFlag, key, keyPem);
    PemFiles.requireMatch(certFlag, cert, chain.get(0), keyFlag, key, privateKey);
    return new ServerTls(cert, key, certPem, keyPem, List.copyOf(chain));
  }

  /** The certificate and key as Vert.x options (from the bytes checked at load). */
  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certPem)).setKeyValue(Buffer.buffer(keyPem));
  }

  /**
   * Trust in this server's own certificate: what a peer with the same certificate (a master
   * forwarding to another master) trusts when no CA file is given.
   */
  public PemTrustOptions selfTrust() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(certPem));
  }

  /**
   * A client's trust in this very certificate: how masters that share one certificate reach each
   * other when no CA file is given.
   */
  public ClientTls peerTrust() {
    return new ClientTls(certFile, certPem);
  }

  /** TLS on {@code options}: this certificate, HTTP/2 and HTTP/1.1 by ALPN. */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options.setSsl(true)
        .setKeyCertOptions(keyCertOptions())
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
  }

  public Path certFile() {
    return certFile;
  }

  public Path keyFile() {
    return keyFile;
  }

  /** The certificate the server presents. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  @Override
  public String toString() {
    return "ServerTls[cert=" + certFile + ", key=" + keyFile + ", subject=" + certificate().getSubjectX500Principal()
        + "]";
  }
}
