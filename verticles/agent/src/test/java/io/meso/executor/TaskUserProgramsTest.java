package io.meso.executor;

/**
 * {@link TaskUserTest}: the same, launching with the program pipeline
 * (setsid, sh, nsenter, unshare, setpriv) instead of the native helper.
 */
class TaskUserProgramsTest extends TaskUserTest {

  @Override
  boolean helper() {
    return false;
  }
}
