/**
 * Authentication for every door of the master: a credentials file of {@code principal:hash}
 * lines ({@link io.meso.security.authn.Credentials}, bcrypt or argon2id, never plaintext),
 * bearer JWTs ({@link io.meso.security.authn.JwtVerifier}, HS256 with a secret file, RS256/ES256
 * with PEM public keys), the {@link io.meso.security.authn.Authenticator} that combines both and
 * keeps slow password checks off the event loop, and the Host/Origin check
 * ({@link io.meso.security.authn.HostCheck}) that stops DNS rebinding and foreign web pages.
 */
package io.meso.security.authn;
