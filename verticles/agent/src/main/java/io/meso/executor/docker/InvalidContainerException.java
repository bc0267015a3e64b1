package io.meso.executor.docker;

/** A task's ContainerInfo cannot be run; the message names the field, its value and what is allowed. */
public final class InvalidContainerException extends Exception {
  public InvalidContainerException(String message) {
    super(message);
  }
}
