package io.meso.security.tls;

/**
 * A TLS file or setting that cannot be used: the message names the flag, the file and what was
 * expected, so a node refuses at start with one clear line.
 */
public final class TlsConfigException extends IllegalArgumentException {

  public TlsConfigException(String message) {
    super(message);
  }

  public TlsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
