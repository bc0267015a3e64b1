package io.meso.codecs;

/** The version this build reports (in MasterInfo, `meso --version`): the jar's Implementation-Version, else "dev". */
public final class MesoVersion {

  private MesoVersion() {}

  public static String current() {
    String v = MesoVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
