package dev.quantgen.examples;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** What a test passes on to a probe it runs in a child JVM, so the child runs the same kernels. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * This JVM's {@code --add-modules}, {@code -XX:MaxInlineLevel} (the depth the vector kernels need
   * not to box, which the launcher and the README give) and {@code -Dquantgen.*} options.
   */
  public static List<String> inheritedOptions() {
    List<String> options = new ArrayList<>();
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--add-modules=")
          || a.startsWith("-XX:MaxInlineLevel=")
          || a.startsWith("-Dquantgen.")) {
        options.add(a);
      } else if (a.equals("--add-modules") && i + 1 < args.size()) {
        options.add(a);
        options.add(args.get(++i));
      }
    }
    return options;
  }
}
