package dev.quantgen.spark;

/**
 * The little command-line parsing the two jobs need (they run under spark-submit, without picocli).
 */
final class Args {
  private Args() {}

  static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw usage(option + ": expected a value");
    }
    return args[i];
  }

  static int positive(String[] args, int i, String option) {
    String v = value(args, i, option);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw usage(option + ": expected a positive integer, got '" + v + "'");
  }

  static String single(String previous, String arg, String name) {
    if (arg.startsWith("--")) {
      throw usage("unknown option " + arg);
    }
    if (previous != null) {
      throw usage("expected one " + name + ", got '" + previous + "' and '" + arg + "'");
    }
    return arg;
  }

  static IllegalArgumentException usage(String problem) {
    return new IllegalArgumentException(problem);
  }
}
