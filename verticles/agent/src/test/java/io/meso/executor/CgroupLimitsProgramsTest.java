package io.meso.executor;

/**
 * {@link CgroupLimitsTest}: the same, launching with the program pipeline
 * (setsid, sh, nsenter, unshare, setpriv) instead of the native helper.
 */
class CgroupLimitsProgramsTest extends CgroupLimitsTest {

  @Override
  boolean helper() {
    return false;
  }
}
