package dev.quantgen.processor;

/** The processor's name and version, written into {@code @Generated(comments = ...)}. */
public final class Version {
  /** {@code quantgen <version>}; changes only with a release, never per build. */
  public static final String NAME = "quantgen 0.1.0";

  private Version() {}
}
