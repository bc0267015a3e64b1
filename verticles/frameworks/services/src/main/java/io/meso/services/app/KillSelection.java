package io.meso.services.app;

/** Which tasks go first when an app scales down. */
public enum KillSelection { YOUNGEST_FIRST, OLDEST_FIRST }
