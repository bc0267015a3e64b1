package io.meso.executor;

/**
 * {@link NamespacesTest}: the same, launching with the program pipeline
 * (setsid, sh, nsenter, unshare, setpriv) instead of the native helper.
 */
class NamespacesProgramsTest extends NamespacesTest {

  @Override
  boolean helper() {
    return false;
  }
}
