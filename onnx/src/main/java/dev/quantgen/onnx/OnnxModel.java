package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model read with the ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl}): its graph nodes
 * in file order (ONNX requires topological order), its initializers, and its real inputs (graph
 * inputs that are not initializers) and outputs. Immutable.
 *
 * <p>Initializers are read as float32 ({@code raw_data} little-endian or {@code float_data}), int64
 * ({@code raw_data} or {@code int64_data}), or int8, uint8 and int32 ({@code raw_data} or {@code
 * int32_data}, the quantized weights, biases and zero points of a QDQ model); other element types
 * are rejected with {@link OnnxFormatException}, naming the file and the tensor. Data kept in an
 * external file beside the model ({@code data_location = EXTERNAL}, PyTorch's default) is read by
 * {@link ExternalData}, which keeps every read inside the model's directory.
 */
public final class OnnxModel {
  private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
  private static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;
  private static final int INT8 = OnnxMl.TensorProto.DataType.INT8_VALUE;
  private static final int UINT8 = OnnxMl.TensorProto.DataType.UINT8_VALUE;
  private static final int INT32 = OnnxMl.TensorProto.DataType.INT32_VALUE;

  /** The lowest default-domain ({@code ai.onnx}) opset the importer reads. */
  public static final long MIN_OPSET = 1;

  /**
   * The highest default-domain opset the importer reads: 21, the newest that ONNX Runtime 1.20
   * (which the agreement tests run) executes, so every supported operator's semantics at that opset
   * are checked against it.
   */
  public static final long MAX_OPSET = 21;

  /**
   * ONNX files must be smaller than 2 GiB: a protobuf message cannot be larger, and bigger models
   * keep their weights in external data files.
   */
  static final long MAX_FILE_BYTES = (1L << 31) - 1;

  private final String source;
  private final String producer;
  private final long opsetVersion;
  private final List<OnnxNode> nodes;
  private final Map<String, OnnxTensor> initializers;
  private final List<OnnxValueInfo> inputs;
  private final List<OnnxValueInfo> outputs;

  private OnnxModel(
      String source,
      String producer,
      long opsetVersion,
      List<OnnxNode> nodes,
      Map<String, OnnxTensor> initializers,
      List<OnnxValueInfo> inputs,
      List<OnnxValueInfo> outputs) {
    this.source = source;
    this.producer = producer;
    this.opsetVersion = opsetVersion;
    this.nodes = List.copyOf(nodes);
    this.initializers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Reads an {@code .onnx} file.
   *
   * @throws OnnxFormatException naming the file when it is not a readable ONNX model, or when it is
   *     2 GiB or larger (checked before reading)
   * @throws IOException when the file cannot be read at all
   */
  public static OnnxModel read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new OnnxFormatException(
          file
              + ": "
              + size
              + " bytes: an ONNX file must be smaller than 2 GiB"
              + " (the protobuf limit); save a larger model with external data (ONNX's"
              + " save_as_external_data)");
    }
    Path directory = file.toAbsolutePath().getParent();
    return parse(Files.readAllBytes(file), file.toString(), directory);
  }

  /**
   * Parses the bytes of an ONNX model; {@code source} names them in messages (a file name).
   *
   * @throws OnnxFormatException naming {@code source} when the bytes are not a readable ONNX model
   */
  public static OnnxModel parse(byte[] bytes, String source) throws OnnxFormatException {
    return parse(bytes, source, null);
  }

  /**
   * Parses the bytes of an ONNX model whose external data files, if any, lie in {@code directory}
   * (null: external data is refused); {@code source} names the model in messages.
   *
   * @throws OnnxFormatException naming {@code source} when the bytes are not a readable ONNX model,
   *     or external data is missing, outside {@code directory} or does not match its tensor
   */
  public static OnnxModel parse(byte[] bytes, String source, Path directory)
      throws OnnxFormatException {
    ExternalData external = new ExternalData(source, directory);
    OnnxMl.ModelProto proto;
    try {
      proto = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException(
          source + ": not a readable ONNX model (" + e.getMessage() + ")", e);
    }
    if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
      throw new OnnxFormatException(
          source
              + ": not a readable ONNX model (no graph nodes; ir_version "
              + proto.getIrVersion()
              + ", "
              + bytes.length
              + " bytes)");
    }
    OnnxMl.GraphProto graph = proto.getGraph();
    Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    for (OnnxMl.TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), tensor(t, source, external));
    }
    List<OnnxNode> nodes = new ArrayList<>();
    for (OnnxMl.NodeProto n : graph.getNodeList()) {
      nodes.add(node(n, source, external));
    }
    List<OnnxValueInfo> inputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
      if (!initializers.containsKey(v.getName())) {
        inputs.add(valueInfo(v));
      }
    }
    List<OnnxValueInfo> outputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : graph.getOutputList()) {
      outputs.add(valueInfo(v));
    }
    long opset = defaultOpset(proto, source);
    String producer = (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
    return new OnnxModel(source, producer, opset, nodes, initializers, inputs, outputs);
  }

  /**
   * The version imported for the default domain ({@code ""} or {@code ai.onnx}), which must be
   * given once and lie in {@link #MIN_OPSET}..{@link #MAX_OPSET}: an operator's meaning depends on
   * it, so a version the importer was not written for is refused rather than guessed.
   */
  private static long defaultOpset(OnnxMl.ModelProto proto, String source)
      throws OnnxFormatException {
    Long opset = null;
    for (OnnxMl.OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        if (opset != null && opset != o.getVersion()) {
          throw new OnnxFormatException(
              source
                  + ": opset_import gives the default domain (ai.onnx) twice, as "
                  + opset
                  + " and "
                  + o.getVersion()
                  + ": expected one version");
        }
        opset = o.getVersion();
      }
    }
    if (opset == null) {
      throw new OnnxFormatException(
          source
              + ": opset_import has no version for the default domain (ai.onnx):"
              + " expected one in "
              + MIN_OPSET
              + ".."
              + MAX_OPSET);
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new OnnxFormatException(
          source
              + ": opset "
              + opset
              + " of the default domain (ai.onnx) is not"
              + " supported: expected "
              + MIN_OPSET
              + ".."
              + MAX_OPSET);
    }
    return opset;
  }

  private static OnnxNode node(OnnxMl.NodeProto n, String source, ExternalData external)
      throws OnnxFormatException {
    Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      attributes.put(a.getName(), attribute(a, source, external));
    }
    return new OnnxNode(
        n.getName(), n.getOpType(), n.getInputList(), n.getOutputList(), attributes);
  }

  private static OnnxAttribute attribute(
      OnnxMl.AttributeProto a, String source, ExternalData external) throws OnnxFormatException {
    String name = a.getName();
    return switch (a.getType()) {
      case INT -> new OnnxAttribute(name, OnnxAttribute.Kind.INT, a.getI());
      case FLOAT -> new OnnxAttribute(name, OnnxAttribute.Kind.FLOAT, a.getF());
      case STRING -> new OnnxAttribute(name, OnnxAttribute.Kind.STRING, a.getS().toStringUtf8());
      case INTS ->
          new OnnxAttribute(
              name,
              OnnxAttribute.Kind.INTS,
              a.getIntsList().stream().mapToLong(Long::longValue).toArray());
      case FLOATS -> {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = a.getFloats(i);
        }
        yield new OnnxAttribute(name, OnnxAttribute.Kind.FLOATS, f);
      }
      case TENSOR ->
          new OnnxAttribute(name, OnnxAttribute.Kind.TENSOR, tensor(a.getT(), source, external));
      default -> new OnnxAttribute(name, OnnxAttribute.Kind.OTHER, a.getType().name());
    };
  }

  private static OnnxValueInfo valueInfo(OnnxMl.ValueInfoProto v) {
    OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
    long[] dims = new long[t.getShape().getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
      dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
    }
    String type =
        OnnxMl.TensorProto.DataType.forNumber(t.getElemType()) == null
            ? "type " + t.getElemType()
            : OnnxMl.TensorProto.DataType.forNumber(t.getElemType())
                .name()
                .toLowerCase(java.util.Locale.ROOT);
    return new OnnxValueInfo(v.getName(), type, dims);
  }

  private static OnnxTensor tensor(OnnxMl.TensorProto t, String source, ExternalData external)
      throws OnnxFormatException {
    String where = source + ": tensor '" + t.getName() + "'";
    int[] dims = new int[t.getDimsCount()];
    long size = 1;
    for (int i = 0; i < dims.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new OnnxFormatException(
            where + " has dimension " + i + " = " + d + ": expected 0.." + Integer.MAX_VALUE);
      }
      dims[i] = (int) d;
      size *= d; // checked at every step, so the product of dimensions up to 2^31 never overflows a
      // long
      if (size > Integer.MAX_VALUE - 8) {
        throw new OnnxFormatException(
            where
                + " has dimensions "
                + t.getDimsList()
                + ": more than 2^31 - 9"
                + " elements, expected an array-sized tensor");
      }
    }
    Shape shape = Shape.of(dims);
    int n = (int) size;
    ByteString raw =
        t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL
            ? external.read(t)
            : t.getRawData();
    // The data's real size is checked before the array is allocated: the dimensions alone are only
    // a claim.
    if (t.getDataType() == FLOAT) {
      if (!raw.isEmpty()) {
        requireRawSize(where, raw, n, Float.BYTES);
      } else {
        requireCount(where, t.getFloatDataCount(), n);
      }
      float[] v = new float[n];
      if (!raw.isEmpty()) {
        raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = t.getFloatData(i);
        }
      }
      return OnnxTensor.ofFloats(t.getName(), FloatTensor.of(shape, v));
    }
    if (t.getDataType() == INT64) {
      if (!raw.isEmpty()) {
        requireRawSize(where, raw, n, Long.BYTES);
      } else {
        requireCount(where, t.getInt64DataCount(), n);
      }
      long[] v = new long[n];
      if (!raw.isEmpty()) {
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = t.getInt64Data(i);
        }
      }
      return OnnxTensor.ofLongs(t.getName(), shape, v);
    }
    if (t.getDataType() == INT8 || t.getDataType() == UINT8 || t.getDataType() == INT32) {
      return integerTensor(t, raw, where, shape, n);
    }
    OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.forNumber(t.getDataType());
    throw new OnnxFormatException(
        where
            + " has element type "
            + (type == null ? t.getDataType() : type)
            + ": expected FLOAT, INT64, INT8, UINT8 or INT32");
  }

  /**
   * An int8, uint8 or int32 tensor from {@code raw_data} (1 or 4 bytes each) or {@code int32_data}.
   */
  private static OnnxTensor integerTensor(
      OnnxMl.TensorProto t, ByteString raw, String where, Shape shape, int n)
      throws OnnxFormatException {
    OnnxTensor.ElementType type =
        t.getDataType() == INT8
            ? OnnxTensor.ElementType.INT8
            : t.getDataType() == UINT8
                ? OnnxTensor.ElementType.UINT8
                : OnnxTensor.ElementType.INT32;
    int width = type == OnnxTensor.ElementType.INT32 ? Integer.BYTES : 1;
    // the data's size is checked against the shape before the values are allocated: a shape alone
    // cannot make the reader allocate what the file does not hold
    if (!raw.isEmpty()) {
      requireRawSize(where, raw, n, width);
    } else {
      requireCount(where, t.getInt32DataCount(), n);
    }
    int[] v = new int[n];
    if (!raw.isEmpty()) {
      ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        v[i] =
            switch (type) {
              case INT8 -> b.get(i);
              case UINT8 -> Byte.toUnsignedInt(b.get(i));
              default -> b.getInt(i * Integer.BYTES);
            };
      }
    } else {
      for (int i = 0; i < n; i++) {
        v[i] = t.getInt32Data(i);
      }
    }
    try {
      return OnnxTensor.ofInts(t.getName(), type, shape, v);
    } catch (IllegalArgumentException e) { // an int32_data entry outside the int8 or uint8 range
      throw new OnnxFormatException(where + ": " + e.getMessage());
    }
  }

  private static void requireRawSize(String where, ByteString raw, int n, int width)
      throws OnnxFormatException {
    if (raw.size() != (long) n * width) {
      throw new OnnxFormatException(
          where
              + " has "
              + raw.size()
              + " bytes of raw_data: expected "
              + n
              + " x "
              + width
              + " = "
              + (long) n * width
              + " (truncated or corrupt)");
    }
  }

  private static void requireCount(String where, int count, int n) throws OnnxFormatException {
    if (count != n) {
      throw new OnnxFormatException(
          where + " has " + count + " values: expected " + n + " for its shape");
    }
  }

  /** Where the model came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** The producer name and version, e.g. {@code CNTK 2.5.1}. */
  public String producer() {
    return producer;
  }

  /** The version of the default ({@code ai.onnx}) operator set. */
  public long opsetVersion() {
    return opsetVersion;
  }

  public List<OnnxNode> nodes() {
    return nodes;
  }

  /** The initializers by name, in file order. */
  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  /** The graph inputs that are not initializers: what a caller feeds. */
  public List<OnnxValueInfo> inputs() {
    return inputs;
  }

  public List<OnnxValueInfo> outputs() {
    return outputs;
  }
}
