package dev.quantgen.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Turns every {@code .onnx} file under {@code onnxDirectory} into annotated layer sources, a
 * {@code @Model} interface and its weight binding (what {@code quantgen import} writes), plus the
 * model's weights as a resource; javac's quantgen processor then generates the kernels in the same
 * build. A model whose bytes and settings did not change since the last build is skipped.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
  /** The folder searched (with its subfolders) for {@code .onnx} files. */
  @Parameter(property = "quantgen.onnxDirectory", defaultValue = "${project.basedir}/src/main/onnx")
  File onnxDirectory;

  /** The Java package of the generated sources, e.g. {@code com.example.mnist}. */
  @Parameter(property = "quantgen.packageName", required = true)
  String packageName;

  /**
   * The precision of every {@code @Quantize} (each layer with weights) that {@code layerPrecisions}
   * does not name: FP32, FP16, INT8, INT4 or BINARY.
   */
  @Parameter(property = "quantgen.precision", defaultValue = "INT8")
  String precision;

  /**
   * Mixed precision: the layers whose {@code @Quantize} takes another precision than {@code
   * precision}, one element per layer, named after its generated class (the log and the generated
   * sources show the names), e.g. {@code
   * <layerPrecisions><Times212>FP32</Times212></layerPrecisions>}. A name that is no layer with
   * weights of any model in the folder fails the build.
   */
  @Parameter Map<String, String> layerPrecisions;

  /**
   * The {@code @Model} interface's name; by default derived from the file name ({@code
   * mnist-8.onnx} gives {@code Mnist8}). Only allowed when the folder holds one model.
   */
  @Parameter(property = "quantgen.modelName")
  String modelName;

  /** Where the sources go; added as a compile source root. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/quantgen")
  File outputDirectory;

  /** Where the weights ({@code <package folders>/<Model>.npz}) go; added as a resource root. */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/quantgen")
  File resourceDirectory;

  /** Where each model's stamp (hash of its inputs, the files it wrote) is kept. */
  @Parameter(defaultValue = "${project.build.directory}/quantgen-stamps")
  File stampDirectory;

  /** Skips the goal. */
  @Parameter(property = "quantgen.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  String pluginVersion;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("quantgen: skipped (quantgen.skip)");
      return;
    }
    ImportSettings settings = settings();
    List<Path> models = models();
    Map<Path, String> names = modelNames(models);
    try {
      Set<Path> taken = new HashSet<>();
      Set<String> unmatched = new TreeSet<>(settings.layerPrecisions().keySet());
      Map<String, Set<String>> quantizedLayers = new TreeMap<>();
      for (Path model : models) {
        ModelImport.Result r = ModelImport.run(model, names.get(model), settings, taken);
        taken.addAll(r.files());
        unmatched.removeAll(r.quantized().keySet());
        quantizedLayers.put(shown(model).toString(), r.quantized().keySet());
        report(r, settings);
      }
      if (!unmatched.isEmpty() && !models.isEmpty()) {
        throw new MojoFailureException(
            "quantgen: <layerPrecisions> names "
                + unmatched
                + ", but no model in "
                + onnxDirectory
                + " has a layer with weights of that name; expected layer class names, per model: "
                + quantizedLayers);
      }
      removeModelsThatAreGone(settings, new HashSet<>(names.values()), taken);
    } catch (ModelImportException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException(
          "quantgen: cannot write the generated sources or weights: " + e, e);
    }
    addRoots();
  }

  private ImportSettings settings() throws MojoFailureException {
    try {
      return new ImportSettings(
          packageName,
          precision,
          layerPrecisions,
          outputDirectory.toPath(),
          resourceDirectory.toPath(),
          stampDirectory.toPath(),
          pluginVersion == null ? "unknown" : pluginVersion);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("quantgen: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code .onnx} files under the folder, in path order (so output and errors are
   * deterministic).
   */
  private List<Path> models() throws MojoExecutionException {
    Path dir = onnxDirectory.toPath();
    if (!Files.isDirectory(dir)) {
      getLog()
          .warn("quantgen: no folder " + dir + ": no ONNX model to import (set <onnxDirectory>)");
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> models =
          files
              .filter(f -> f.getFileName().toString().endsWith(".onnx"))
              .filter(Files::isRegularFile)
              .sorted()
              .collect(Collectors.toList());
      if (models.isEmpty()) {
        getLog().warn("quantgen: no .onnx file in " + dir + ": nothing to import");
      }
      return models;
    } catch (IOException e) {
      throw new MojoExecutionException("quantgen: cannot list " + dir + ": " + e, e);
    }
  }

  private Map<Path, String> modelNames(List<Path> models) throws MojoFailureException {
    if (modelName != null && models.size() > 1) {
      throw new MojoFailureException(
          "quantgen: <modelName>"
              + modelName
              + "</modelName> names one model, but "
              + onnxDirectory
              + " holds "
              + models.size()
              + ": "
              + models
              + "; remove <modelName> (each model is named"
              + " after its file) or give each model its own <onnxDirectory> in its own <execution>");
    }
    Map<Path, String> names = new HashMap<>();
    Map<String, Path> byName = new HashMap<>();
    for (Path model : models) {
      String name = modelName != null ? modelName : ModelNames.of(model);
      Path other = byName.putIfAbsent(name, model);
      if (other != null) {
        throw new MojoFailureException(
            "quantgen: "
                + other
                + " and "
                + model
                + " both give the model name "
                + name
                + "; rename one of the files, or put them in separate <onnxDirectory>s and <execution>s");
      }
      names.put(model, name);
    }
    return names;
  }

  private void report(ModelImport.Result r, ImportSettings settings) {
    if (r.status() == ModelImport.Status.UP_TO_DATE) {
      getLog()
          .info(
              "quantgen: "
                  + shown(r.model())
                  + " unchanged since the last build: "
                  + r.modelClass()
                  + " is up to date");
    } else {
      int sources = r.files().size() - 1; // the last file is the weights
      getLog()
          .info(
              "quantgen: "
                  + shown(r.model())
                  + " -> "
                  + r.layers()
                  + " layers, @Quantize("
                  + precisions(r, settings)
                  + "), model "
                  + r.modelClass()
                  + ": "
                  + sources
                  + " sources in "
                  + shown(outputDirectory.toPath())
                  + ", weights "
                  + shown(r.files().get(sources)));
    }
  }

  /** A path relative to the project's folder when it is inside it: short log lines. */
  private Path shown(Path path) {
    Path root =
        project != null && project.getBasedir() != null
            ? project.getBasedir().toPath().toAbsolutePath()
            : null;
    Path absolute = path.toAbsolutePath().normalize();
    return root != null && absolute.startsWith(root) ? root.relativize(absolute) : path;
  }

  /**
   * {@code INT8}, or with mixed precision {@code INT8, Times212: FP32} (the layers named in the
   * pom).
   */
  private static String precisions(ModelImport.Result r, ImportSettings settings) {
    StringBuilder text = new StringBuilder(settings.precision());
    r.quantized()
        .forEach(
            (layer, p) -> {
              if (settings.layerPrecisions().containsKey(layer)) {
                text.append(", ").append(layer).append(": ").append(p);
              }
            });
    return text.toString();
  }

  /** Deletes what earlier builds generated for models no longer in the folder (or renamed). */
  private void removeModelsThatAreGone(
      ImportSettings settings, Set<String> current, Set<Path> taken) throws IOException {
    Path stamps = settings.stampDirectory();
    if (!Files.isDirectory(stamps)) {
      return;
    }
    List<Path> gone = new ArrayList<>();
    try (Stream<Path> files = Files.list(stamps)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".stamp"))
          .filter(f -> !current.contains(f.getFileName().toString().replaceFirst("\\.stamp$", "")))
          .forEach(gone::add);
    }
    for (Path stamp : gone) {
      for (Path file : ImportStamp.read(stamp).map(ImportStamp::files).orElse(List.of())) {
        // a layer class a current model generates again stays; nothing outside the output folders
        // is deleted
        if (!taken.contains(file)
            && (inside(file, settings.sourceRoot()) || inside(file, settings.resourceRoot()))) {
          Files.deleteIfExists(file);
        }
      }
      Files.delete(stamp);
      getLog()
          .info(
              "quantgen: removed the sources of "
                  + stamp.getFileName().toString().replaceFirst("\\.stamp$", "")
                  + ": its model is no longer in "
                  + onnxDirectory);
    }
  }

  /** Whether {@code file} is {@code root} or under it, once both are absolute and normalized. */
  private static boolean inside(Path file, Path root) {
    return file.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize());
  }

  private void addRoots() {
    if (project == null) {
      return;
    }
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    String resources = resourceDirectory.getAbsolutePath();
    if (project.getResources().stream().noneMatch(r -> resources.equals(r.getDirectory()))) {
      Resource resource = new Resource();
      resource.setDirectory(resources);
      project.addResource(resource);
    }
  }
}
