package io.meso.executor;

/**
 * {@link CgroupReadOnlyTest}: the same, launching with the program pipeline
 * (setsid, sh, nsenter, unshare, setpriv) instead of the native helper.
 */
class CgroupReadOnlyProgramsTest extends CgroupReadOnlyTest {

  @Override
  boolean helper() {
    return false;
  }
}
