// Turns a trained network and its metadata into an ONNX graph (Gemm, Relu, Softmax) and writes it atomically.
package gpumlp.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import gpumlp.model.ModelMetadata;
import gpumlp.model.Network;
import gpumlp.proto.onnx.Onnx.AttributeProto;
import gpumlp.proto.onnx.Onnx.GraphProto;
import gpumlp.proto.onnx.Onnx.ModelProto;
import gpumlp.proto.onnx.Onnx.NodeProto;
import gpumlp.proto.onnx.Onnx.OperatorSetIdProto;
import gpumlp.proto.onnx.Onnx.StringStringEntryProto;
import gpumlp.proto.onnx.Onnx.TensorProto;
import gpumlp.proto.onnx.Onnx.TensorShapeProto;
import gpumlp.proto.onnx.Onnx.TypeProto;
import gpumlp.proto.onnx.Onnx.ValueInfoProto;
import gpumlp.util.AtomicFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The graph: input {@value #INPUT} float32 [N, d(0)] holding pixel / 255 (0 = black .. 1 = white,
 * row-major, as in the .npz model), then per layer l a {@code Gemm(x, W_l, b_l)} with W_l the
 * d(l-1) x d(l) rows 1.. of W(l) and b_l its bias row 0, {@code Relu} after the hidden layers and
 * {@code Softmax(axis=1)} at the end: output {@value #OUTPUT} float32 [N, d(L)], each row summing to 1.
 * The metadata properties carry the software version, the training settings and the data checksums.
 */
public final class OnnxModel {
    /** Operator set 21 (ONNX 1.16, IR version 10): Gemm-13, Relu-14 and Softmax-13 are its versions of the ops used. */
    public static final int OPSET = 21;
    public static final int IR_VERSION = 10;
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "probabilities";
    /** The batch dimension's name in the input and output shapes. */
    public static final String BATCH = "N";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxModel() {}

    /** Writes {@code net} as an ONNX model file, atomically; errors are one-line UserErrors naming the file. */
    public static void write(Path path, Network net, ModelMetadata meta) {
        byte[] bytes = build(net, meta).toByteArray();
        AtomicFiles.write(path, "ONNX file", out -> out.write(bytes));
    }

    /** The ONNX model of {@code net}. */
    public static ModelProto build(Network net, ModelMetadata meta) {
        GraphProto.Builder g = GraphProto.newBuilder()
                .setName("gpu_mlp_" + net.shape().replace('-', '_'))
                .setDocString("MLP " + net.shape() + ": " + INPUT + " float32 [N, " + net.inputSize() + "] = pixel / 255 ("
                        + meta.inputRows() + "x" + meta.inputCols() + " images, row-major) -> " + OUTPUT + " float32 [N, "
                        + net.outputSize() + "]")
                .addInput(tensorInfo(INPUT, net.inputSize(), "pixel / 255 of " + meta.inputRows() + "x" + meta.inputCols()
                        + " images, row-major, 0 = black .. 1 = white (MNIST: white digit on black)"))
                .addOutput(tensorInfo(OUTPUT, net.outputSize(), "class probabilities (softmax), one row per image"));
        String x = INPUT;
        for (int l = 1; l <= net.layers(); l++) {
            int rows = net.size(l - 1);
            int cols = net.size(l);
            float[] w = net.weights(l);
            g.addInitializer(floats("W" + l, Arrays.copyOfRange(w, cols, w.length), rows, cols));
            g.addInitializer(floats("b" + l, Arrays.copyOfRange(w, 0, cols), cols));
            String z = "z" + l;
            g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("layer" + l)
                    .addInput(x).addInput("W" + l).addInput("b" + l).addOutput(z));
            if (l < net.layers()) {
                x = "h" + l;
                g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu" + l).addInput(z).addOutput(x));
            } else {
                g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(z).addOutput(OUTPUT)
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                                .setI(1)));
            }
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("gpu-mlp")
                .setProducerVersion(meta.software().replaceFirst("^gpu-mlp ", ""))
                .setModelVersion(1)
                .setDocString("A multilayer perceptron trained by " + meta.software() + "; input " + INPUT
                        + " = pixel / 255, output " + OUTPUT + ".")
                .setGraph(g);
        properties(meta).forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /** The metadata properties: provenance and settings, JSON where the value is structured. */
    static Map<String, String> properties(ModelMetadata meta) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("software", meta.software());
        p.put("created", meta.created());
        p.put("format", ModelMetadata.FORMAT);
        p.put("layer_sizes", json(meta.layerSizes()));
        p.put("activations", json(meta.activations()));
        p.put("input_shape", json(new int[] {meta.inputRows(), meta.inputCols()}));
        p.put("pixel_scale", ModelMetadata.PIXEL_SCALE);
        p.put("training", json(meta.training()));
        p.put("data", json(meta.dataChecksums()));
        return p;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model metadata is not JSON-serialisable: " + e.getMessage(), e);
        }
    }

    /** A float32 [N, width] tensor's name, type and shape. */
    private static ValueInfoProto tensorInfo(String name, int width, String doc) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    /** A float32 constant of the given dimensions, stored as little-endian raw data. */
    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
