package io.meso.security.acl;

/** An ACL file that cannot be used, with a message naming the file, the JSON path and what is allowed. */
public final class AclException extends RuntimeException {

  public AclException(String message) {
    super(message, null, false, false);
  }
}
