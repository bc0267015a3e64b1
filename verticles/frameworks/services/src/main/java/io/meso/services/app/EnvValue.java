package io.meso.services.app;

/**
 * The value of one environment variable of an app: a literal string, or a reference
 * {@code {"secret": name}} to a secret the runtime resolves.
 */
public sealed interface EnvValue {

  /** A literal value. */
  record Literal(String value) implements EnvValue {
    public Literal {
      if (value == null) {
        throw new IllegalArgumentException("value must not be null");
      }
    }
  }

  /** A reference to the secret called {@code secret}. */
  record SecretRef(String secret) implements EnvValue {
    public SecretRef {
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("secret must not be empty");
      }
    }
  }
}
