package io.meso.executor;

/**
 * {@link TaskUserIsolationTest}: the same, launching with the program pipeline
 * (setsid, sh, nsenter, unshare, setpriv) instead of the native helper.
 */
class TaskUserIsolationProgramsTest extends TaskUserIsolationTest {

  @Override
  boolean helper() {
    return false;
  }
}
