package org.modmask.nn;

import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * A network exported from PyTorch with {@code torch.onnx.export}, opened as a modmask {@link Model}: trained further,
 * masked, ablated, with the same API as the models modmask builds.
 *
 * <pre>{@code
 * var onnx = Onnx.read(Path.of("mlp.onnx"));      // refuses a file with ops it cannot map, naming them
 * Model net = onnx.classifier();                  // input "input" (the export's input name), labels "labels" (one-hot)
 * }</pre>
 *
 * <p>Every float initializer becomes a parameter under PyTorch's name ({@code fc1.weight}); an LSTM's weights, which
 * the export renames ({@code onnx::LSTM_193}) and reorders, come back in PyTorch's layout and names
 * ({@code lstm.weight_ih_l0}, gates i, f, g, o), so masks saved with {@code MaskFile} apply to the PyTorch module by
 * name. The graph is rebuilt op by op from the file (the ONNX protobuf classes of nd4j-api) rather than by
 * samediff-import-onnx 1.0.0-M2.1, whose Gemm drops the bias (measured: its MLP outputs equal PyTorch's without
 * biases). Supported ops: {@link #SUPPORTED}; only the batch dimension may be dynamic.
 */
public final class Onnx {
    /** The ONNX ops this importer maps (opset 13 semantics; see the class comment for the limits of each). */
    public static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Neg", "Relu", "Tanh", "Sigmoid",
            "Softmax", "LogSoftmax", "Identity", "Dropout", "Constant", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze",
            "Concat", "Gather", "Slice", "Shape", "ConstantOfShape", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
            "BatchNormalization", "LSTM");

    private final Path file;
    private final GraphProto graph;

    private Onnx(Path file, GraphProto graph) {
        this.file = file;
        this.graph = graph;
    }

    /** Reads an ONNX file; an op outside {@link #SUPPORTED} is refused with every unsupported op named and counted. */
    public static Onnx read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException("no ONNX file at " + file.toAbsolutePath());
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(file + " is not an ONNX model: " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) throw new IOException(file + " is not an ONNX model: it has no graph");
        Onnx o = new Onnx(file, model.getGraph());
        Map<String, Integer> unsupported = new TreeMap<>();
        for (NodeProto n : o.graph.getNodeList())
            if (!SUPPORTED.contains(n.getOpType())) unsupported.merge(n.getOpType(), 1, Integer::sum);
        if (!unsupported.isEmpty()) {
            StringBuilder s = new StringBuilder();
            unsupported.forEach((op, k) -> s.append(s.isEmpty() ? "" : ", ").append(op).append(" (").append(k).append(k == 1 ? " node)" : " nodes)"));
            throw new IllegalArgumentException(file.getFileName() + " uses ONNX ops that modmask cannot import: " + s
                    + ". Supported: " + new TreeSet<>(SUPPORTED));
        }
        return o;
    }

    /** The graph's ops: type, number of nodes, in order of first use. */
    public Table ops() {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (NodeProto n : graph.getNodeList()) count.merge(n.getOpType(), 1, Integer::sum);
        Table t = Table.create("ops of " + file.getFileName(), StringColumn.create("op"), IntColumn.create("nodes"));
        count.forEach((op, k) -> {
            t.stringColumn("op").append(op);
            t.intColumn("nodes").append(k);
        });
        return t;
    }

    /** The names of the graph's data inputs (not its initializers). */
    public List<String> inputs() {
        Set<String> init = initializerNames();
        return graph.getInputList().stream().map(ValueInfoProto::getName).filter(n -> !init.contains(n)).toList();
    }

    /** The names of the graph's outputs. */
    public List<String> outputs() {
        return graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /**
     * The network as a classifier: its single input, its single output as logits over the last dimension, a one-hot
     * placeholder {@code labels} and softmax cross-entropy as the loss; accuracy is argmax against the labels.
     */
    public Model classifier() {
        return classifier("labels");
    }

    /** {@link #classifier()} with another name for the labels' column. */
    public Model classifier(String labels) {
        if (inputs().size() != 1 || outputs().size() != 1)
            throw new IllegalArgumentException(file.getFileName() + " has inputs " + inputs() + " and outputs " + outputs()
                    + ": a classifier needs exactly one of each");
        return Graph.make(0, g -> new Builder(g).classifier(labels));
    }

    /**
     * The imported model against what PyTorch computed: runs {@code model} (evaluation mode) on the inputs saved
     * with {@code numpy.save} and compares its output with PyTorch's, saved the same way. One row: examples, the
     * largest and the mean absolute difference, and the share of examples whose argmax agrees.
     */
    public Table matches(Model model, Path inputsNpy, Path outputsNpy) {
        INDArray x = npy(inputsNpy), want = npy(outputsNpy);
        boolean was = model.isTraining();
        INDArray got;
        try {
            got = model.training(false).logits(Map.of(inputs().get(0), x));
        } finally {
            model.training(was);
        }
        if (!Arrays.equals(got.shape(), want.shape()))
            throw new IllegalArgumentException(outputsNpy.getFileName() + " has shape " + Arrays.toString(want.shape()) + ", the model's output "
                    + Arrays.toString(got.shape()) + " on " + inputsNpy.getFileName());
        INDArray diff = org.nd4j.linalg.ops.transforms.Transforms.abs(got.sub(want));
        long n = got.size(0);
        double same = got.reshape(n, -1).argMax(1).eq(want.reshape(n, -1).argMax(1)).castTo(DataType.FLOAT).meanNumber().doubleValue();
        Table t = Table.create("modmask against PyTorch (" + outputsNpy.getFileName() + ")", IntColumn.create("examples"),
                tech.tablesaw.api.DoubleColumn.create("largest |difference|"), tech.tablesaw.api.DoubleColumn.create("mean |difference|"),
                tech.tablesaw.api.DoubleColumn.create("same argmax %"));
        t.intColumn(0).append((int) n);
        t.doubleColumn(1).append(diff.maxNumber().doubleValue());
        t.doubleColumn(2).append(diff.meanNumber().doubleValue());
        t.doubleColumn(3).append(100 * same);
        return t;
    }

    private static INDArray npy(Path f) {
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("no .npy file at " + f.toAbsolutePath());
        try {
            return Nd4j.createFromNpyFile(f.toFile()).castTo(DataType.FLOAT);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f + " is not a NumPy array file (.npy): " + e.getMessage(), e);
        }
    }

    private Set<String> initializerNames() {
        Set<String> s = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) s.add(t.getName());
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Rebuilds the graph in one {@link Graph}; per replica (K mask samples) once. */
    private final class Builder {
        final Graph g;
        final SameDiff sd;
        final Map<String, SDVariable> v = new HashMap<>();
        /** Values known when the graph is built (Constant nodes, integer initializers): shapes, axes, indices. */
        final Map<String, INDArray> known = new HashMap<>();
        final Map<String, long[]> inputShapes = new LinkedHashMap<>();
        final Map<String, Integer> lstmLayer = new HashMap<>();

        Builder(Graph g) {
            this.g = g;
            this.sd = g.sd();
        }

        Model classifier(String labels) {
            String in = inputs().get(0), out = outputs().get(0);
            ValueInfoProto info = graph.getInputList().stream().filter(i -> i.getName().equals(in)).findFirst().orElseThrow();
            var dims = info.getType().getTensorType().getShape().getDimList();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                var d = dims.get(i);
                shape[i] = d.hasDimValue() ? d.getDimValue() : -1;
                if (shape[i] < 0 && i != 0)
                    throw new IllegalArgumentException(file.getFileName() + ": input '" + in + "' has a dynamic dimension " + i
                            + " ('" + d.getDimParam() + "'); only the batch dimension (0) may be dynamic: export with a fixed size");
            }
            inputShapes.put(in, shape);
            v.put(in, g.input(in, shape));
            addInitializers();
            for (NodeProto n : graph.getNodeList()) node(n);
            SDVariable logits = v.get(out);
            if (logits == null) throw new IllegalStateException(file.getFileName() + ": output '" + out + "' is not computed by the graph");
            long[] os = shapeOf(logits);
            long classes = os[os.length - 1];
            SDVariable y = g.input(labels, -1, classes);
            SDVariable loss = g.named(Losses.logSoftmax(sd, logits, 1).mul(y).sum(1).neg().mean(), "loss");
            String kind = "ONNX " + file.getFileName() + " (" + g.params.size() + " parameters)";
            return g.build(kind, loss, logits, Metric.groupedArgmax(labels, 1, (int) classes), labels);
        }

        /** Float initializers are parameters, except what the graph only reads as running statistics or shapes. */
        void addInitializers() {
            Set<String> statistics = new HashSet<>(), lstmWeights = new HashSet<>();
            for (NodeProto n : graph.getNodeList()) {
                if (n.getOpType().equals("BatchNormalization")) {
                    statistics.add(n.getInput(3));
                    statistics.add(n.getInput(4));
                }
                if (n.getOpType().equals("LSTM")) for (int i = 1; i <= 3 && i < n.getInputCount(); i++) lstmWeights.add(n.getInput(i));
            }
            for (TensorProto t : graph.getInitializerList()) {
                INDArray a = array(t);
                if (a.dataType().isFPType() && !statistics.contains(t.getName()) && !lstmWeights.contains(t.getName()))
                    v.put(t.getName(), g.param(t.getName(), a));
                else {
                    known.put(t.getName(), a);
                    if (!lstmWeights.contains(t.getName())) v.put(t.getName(), sd.constant(a.dataType().isFPType() ? a.castTo(g.dataType()) : a));
                }
            }
        }

        void node(NodeProto n) {
            String op = n.getOpType();
            List<String> in = n.getInputList();
            SDVariable x = in.isEmpty() || in.get(0).isEmpty() ? null : v.get(in.get(0));
            if (!in.isEmpty() && !in.get(0).isEmpty() && x == null && !op.equals("Constant"))
                throw new IllegalStateException(file.getFileName() + ": node " + n.getName() + " (" + op + ") reads '" + in.get(0) + "', which no earlier node computes");
            SDVariable y;
            switch (op) {
                case "Constant" -> {
                    INDArray a = array(attr(n, "value").getT());
                    known.put(n.getOutput(0), a);
                    y = sd.constant(a.dataType().isFPType() ? a.castTo(g.dataType()) : a);
                }
                case "Identity", "Dropout" -> y = x;        // Dropout: evaluation mode, as exported
                case "Gemm" -> y = gemm(n, x);
                case "MatMul" -> {
                    SDVariable b = v.get(in.get(1));
                    if (rank(x) != 2 || rank(b) != 2)
                        throw unsupported(n, "MatMul is mapped for two matrices only");
                    y = x.mmul(b);
                }
                case "Add" -> y = x.add(v.get(in.get(1)));
                case "Sub" -> y = x.sub(v.get(in.get(1)));
                case "Mul" -> y = x.mul(v.get(in.get(1)));
                case "Div" -> y = x.div(v.get(in.get(1)));
                case "Neg" -> y = x.neg();
                case "Relu" -> y = g.relu(x);
                case "Tanh" -> y = sd.math().tanh(x);
                case "Sigmoid" -> y = sd.nn().sigmoid(x);
                case "Softmax" -> y = Losses.softmax(sd, x, axis(x, (int) attrInt(n, "axis", -1)));
                case "LogSoftmax" -> y = Losses.logSoftmax(sd, x, axis(x, (int) attrInt(n, "axis", -1)));
                case "Flatten" -> y = flatten(n, x);
                case "Reshape" -> y = reshape(n, x);
                case "Transpose" -> {
                    long[] perm = attrInts(n, "perm");
                    y = sd.permute(x, toInt(perm));
                }
                case "Squeeze" -> {
                    long[] axes = in.size() > 1 ? knownLongs(n, 1) : attrInts(n, "axes");
                    int r = shapeOf(x).length;
                    Integer[] sorted = Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + r : a)).boxed().sorted(Comparator.reverseOrder()).toArray(Integer[]::new);
                    y = x;
                    for (int a : sorted) y = sd.squeeze(y, a);
                    fold(n, a -> {
                        INDArray r2 = a;
                        for (int ax : sorted) r2 = Nd4j.squeeze(r2, ax);
                        return r2;
                    });
                }
                case "Unsqueeze" -> {
                    long[] axes = in.size() > 1 ? knownLongs(n, 1) : attrInts(n, "axes");
                    long[] sorted = axes.clone();
                    Arrays.sort(sorted);
                    y = x;
                    for (long a : sorted) y = sd.expandDims(y, (int) a);
                    fold(n, a -> {
                        INDArray r2 = a;
                        for (long ax : sorted) r2 = Nd4j.expandDims(r2, (int) ax);
                        return r2;
                    });
                }
                case "Concat" -> {
                    int axis = (int) attrInt(n, "axis", 0);
                    SDVariable[] parts = in.stream().map(v::get).toArray(SDVariable[]::new);
                    DataType dt = parts[0].dataType();
                    for (int i = 0; i < parts.length; i++) if (parts[i].dataType() != dt) parts[i] = parts[i].castTo(dt);
                    y = sd.concat(axis < 0 ? axis + Math.max(1, shapeOf(parts[0]).length) : axis, parts);
                }
                case "Shape" -> y = sd.shape(x).castTo(DataType.INT64);
                case "ConstantOfShape" -> {
                    double value = 0;
                    DataType dt = g.dataType();
                    for (AttributeProto a : n.getAttributeList())
                        if (a.getName().equals("value")) {
                            INDArray t = array(a.getT());
                            value = t.getDouble(0);
                            if (!t.dataType().isFPType()) dt = t.dataType();
                        }
                    y = sd.fill(x, dt, value);
                }
                case "Gather" -> y = gather(n, x);
                case "Slice" -> y = slice(n, x);
                case "Conv" -> y = conv(n, x);
                case "MaxPool", "AveragePool" -> y = pool(n, x);
                case "GlobalAveragePool" -> y = x.mean(true, 2, 3);
                case "BatchNormalization" -> {
                    double eps = attrFloat(n, "epsilon", 1e-5);
                    SDVariable scale = v.get(in.get(1)), bias = v.get(in.get(2)), mean = v.get(in.get(3)), var = v.get(in.get(4));
                    int r = shapeOf(x).length;
                    long[] bshape = new long[r];
                    Arrays.fill(bshape, 1);
                    bshape[1] = -1;
                    SDVariable factor = scale.div(sd.math().sqrt(var.add(eps)));
                    y = x.sub(sd.reshape(mean, bshape)).mul(sd.reshape(factor, bshape)).add(sd.reshape(bias, bshape));
                }
                case "LSTM" -> {
                    lstm(n, x);
                    return;
                }
                default -> throw unsupported(n, "op not mapped");
            }
            v.put(n.getOutput(0), activation(n, y));
        }

        /** Activation names given so far, by the ONNX value they name. */
        final Map<String, String> labels = new HashMap<>();

        /**
         * Layer outputs become named activations that {@code Activations} reads: a module's output by the module's
         * path ({@code hidden1}, {@code features.0}), a nonlinearity or pooling after it by that name and the op
         * ({@code hidden1.relu}), the graph's output by its export name ({@code logits}); others by the export's value name.
         */
        SDVariable activation(NodeProto n, SDVariable y) {
            String op = n.getOpType(), out = n.getOutput(0);
            String label = null;
            if (outputs().contains(out)) label = out;
            else if (Set.of("Gemm", "MatMul", "Conv", "BatchNormalization").contains(op)) label = moduleOf(n);
            else if (Set.of("Relu", "Tanh", "Sigmoid", "MaxPool", "AveragePool", "GlobalAveragePool").contains(op)) {
                String before = labels.get(n.getInput(0));
                label = before == null ? null : before + "." + op.toLowerCase(Locale.ROOT);
            } else return y;
            if (label == null || label.isEmpty() || labels.containsValue(label)) label = out;
            labels.put(out, label);
            return g.named(y, label);
        }

        SDVariable gemm(NodeProto n, SDVariable a) {
            SDVariable b = v.get(n.getInput(1));
            boolean ta = attrInt(n, "transA", 0) == 1, tb = attrInt(n, "transB", 0) == 1;
            double alpha = attrFloat(n, "alpha", 1), beta = attrFloat(n, "beta", 1);
            SDVariable y = sd.mmul(a, b, ta, tb, false);
            if (alpha != 1) y = y.mul(alpha);
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                SDVariable c = v.get(n.getInput(2));
                y = y.add(beta == 1 ? c : c.mul(beta));
            }
            return y;
        }

        SDVariable flatten(NodeProto n, SDVariable x) {
            long[] s = shapeOf(x);
            int axis = (int) attrInt(n, "axis", 1);
            if (axis < 0) axis += s.length;
            long inner = 1;
            for (int i = axis; i < s.length; i++) inner *= s[i];
            if (inner < 0) throw unsupported(n, "Flatten over a dynamic dimension");
            return sd.reshape(x, -1, inner);
        }

        SDVariable reshape(NodeProto n, SDVariable x) {
            long[] to = knownLongs(n, 1).clone();
            long[] s = shapeOf(x);
            for (int i = 0; i < to.length; i++) if (to[i] == 0) to[i] = s[i];     // ONNX: 0 copies the input's dimension
            return sd.reshape(x, to);
        }

        SDVariable gather(NodeProto n, SDVariable x) {
            INDArray idx = known.get(n.getInput(1));
            if (idx == null || idx.rank() != 0) throw unsupported(n, "Gather is mapped for one constant index only");
            long[] s = shapeOf(x);
            int axis = (int) attrInt(n, "axis", 0);
            if (axis < 0) axis += s.length;
            long i = idx.getLong(0);
            long[] begin = new long[s.length], end = new long[s.length], strides = new long[s.length];
            Arrays.fill(strides, 1);
            int beginMask = 0, endMask = 0;
            for (int d = 0; d < s.length; d++) if (d != axis) {
                beginMask |= 1 << d;
                endMask |= 1 << d;
            }
            begin[axis] = i;
            if (i == -1) endMask |= 1 << axis;
            else end[axis] = i + 1;
            SDVariable y = sd.stridedSlice(x, begin, end, strides, beginMask, endMask, 0, 0, 1 << axis);
            INDArray kx = known.get(n.getInput(0));
            if (kx != null) known.put(n.getOutput(0), kx.getScalar(i < 0 ? i + kx.length() : i).reshape());
            return y;
        }

        SDVariable slice(NodeProto n, SDVariable x) {
            long[] starts = knownLongs(n, 1), ends = knownLongs(n, 2);
            int r = shapeOf(x).length;
            long[] axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? knownLongs(n, 3) : java.util.stream.LongStream.range(0, starts.length).toArray();
            long[] steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? knownLongs(n, 4) : null;
            long[] begin = new long[r], end = new long[r], strides = new long[r];
            Arrays.fill(strides, 1);
            int beginMask = (1 << r) - 1, endMask = (1 << r) - 1;
            for (int k = 0; k < axes.length; k++) {
                int a = (int) (axes[k] < 0 ? axes[k] + r : axes[k]);
                begin[a] = starts[k];
                beginMask &= ~(1 << a);
                if (ends[k] < Integer.MAX_VALUE) {
                    end[a] = ends[k];
                    endMask &= ~(1 << a);
                }
                if (steps != null) strides[a] = steps[k];
            }
            return sd.stridedSlice(x, begin, end, strides, beginMask, endMask, 0, 0, 0);
        }

        SDVariable conv(NodeProto n, SDVariable x) {
            if (attrInt(n, "group", 1) != 1) throw unsupported(n, "grouped convolution");
            long[] k = attrInts(n, "kernel_shape"), st = attrIntsOr(n, "strides", 1, 1), pads = attrIntsOr(n, "pads", 0, 0, 0, 0),
                    dil = attrIntsOr(n, "dilations", 1, 1);
            if (k.length != 2) throw unsupported(n, "only 2-D convolutions");
            if (pads[0] != pads[2] || pads[1] != pads[3]) throw unsupported(n, "asymmetric padding " + Arrays.toString(pads));
            // ONNX and PyTorch keep weights as [out, in, kH, kW]; SameDiff's conv2d takes [kH, kW, in, out]
            SDVariable w = sd.permute(v.get(n.getInput(1)), 2, 3, 1, 0);
            Conv2DConfig cfg = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).pH(pads[0]).pW(pads[1]).dH(dil[0]).dW(dil[1])
                    .dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
            boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            return bias ? sd.cnn().conv2d(x, w, v.get(n.getInput(2)), cfg) : sd.cnn().conv2d(x, w, cfg);
        }

        SDVariable pool(NodeProto n, SDVariable x) {
            long[] k = attrInts(n, "kernel_shape"), st = attrIntsOr(n, "strides", 1, 1), pads = attrIntsOr(n, "pads", 0, 0, 0, 0);
            if (k.length != 2) throw unsupported(n, "only 2-D pooling");
            if (attrInt(n, "ceil_mode", 0) != 0) throw unsupported(n, "ceil_mode 1");
            if (pads[0] != pads[2] || pads[1] != pads[3]) throw unsupported(n, "asymmetric padding " + Arrays.toString(pads));
            var cfg = Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).pH(pads[0]).pW(pads[1]).isNHWC(false);
            if (n.getOpType().equals("MaxPool")) return sd.cnn().maxPooling2d(x, cfg.build());
            if (pads[0] != 0 || pads[1] != 0) throw unsupported(n, "padded average pooling");
            return sd.cnn().avgPooling2d(x, cfg.build());
        }

        /**
         * ONNX's LSTM (forward, layout 0: X is [T, B, in]) unrolled by hand over its fixed T, as {@link Lstm} does
         * (SameDiff's lstmLayer has wrong gradients with initial states in M2.1). Its weights come back as PyTorch's
         * {@code weight_ih_lL}, {@code weight_hh_lL}, {@code bias_ih_lL}, {@code bias_hh_lL} of the module named by the node.
         */
        void lstm(NodeProto n, SDVariable x) {
            if (!attrString(n, "direction", "forward").equals("forward")) throw unsupported(n, "bidirectional LSTM");
            if (attrInt(n, "layout", 0) != 0) throw unsupported(n, "layout 1");
            if (n.getInputCount() > 4 && !n.getInput(4).isEmpty()) throw unsupported(n, "sequence_lens");
            int hidden = (int) attrInt(n, "hidden_size", -1);
            SDVariable wih, whh, bias;
            int[] ifgo;         // where the gates i, f, g, o sit in the split of the products
            INDArray w = known.get(n.getInput(1)), r = known.get(n.getInput(2));
            boolean hasBias = n.getInputCount() > 3 && !n.getInput(3).isEmpty();
            if (w != null && r != null) {
                // folded at export (the default): the weights are new initializers (onnx::LSTM_193) in ONNX's gate
                // order i, o, f, c; they become parameters in PyTorch's layout, order i, f, g, o and names
                String module = moduleOf(n);
                int layer = lstmLayer.merge(module, 1, Integer::sum) - 1;
                INDArray b = hasBias ? known.get(n.getInput(3)) : Nd4j.zeros(w.dataType(), 1, 8L * hidden);
                String p = module.isEmpty() ? "lstm" : module;
                wih = g.param(p + ".weight_ih_l" + layer, iofcToIfgo(w.slice(0), hidden));
                whh = g.param(p + ".weight_hh_l" + layer, iofcToIfgo(r.slice(0), hidden));
                INDArray bb = b.reshape(8L * hidden);
                SDVariable bih = g.param(p + ".bias_ih_l" + layer, iofcToIfgo(bb.get(NDArrayIndex.interval(0, 4L * hidden)), hidden));
                SDVariable bhh = g.param(p + ".bias_hh_l" + layer, iofcToIfgo(bb.get(NDArrayIndex.interval(4L * hidden, 8L * hidden)), hidden));
                bias = bih.add(bhh);
                ifgo = new int[]{0, 1, 2, 3};
            } else {
                // exported with do_constant_folding=False: the graph slices PyTorch's own parameters into ONNX's order
                wih = sd.squeeze(v.get(n.getInput(1)), 0);
                whh = sd.squeeze(v.get(n.getInput(2)), 0);
                if (hasBias) {
                    SDVariable b = sd.reshape(v.get(n.getInput(3)), 8L * hidden);
                    bias = sd.stridedSlice(b, new long[]{0}, new long[]{4L * hidden}, new long[]{1}, 0, 0, 0, 0, 0)
                            .add(sd.stridedSlice(b, new long[]{4L * hidden}, new long[]{8L * hidden}, new long[]{1}, 0, 0, 0, 0, 0));
                } else bias = null;
                ifgo = new int[]{0, 2, 3, 1};
            }
            long steps = shapeOf(x)[0];
            if (steps < 0) throw unsupported(n, "a dynamic sequence length: export with a fixed one");
            SDVariable h = n.getInputCount() > 5 && !n.getInput(5).isEmpty() ? sd.squeeze(v.get(n.getInput(5)), 0) : null;
            SDVariable c = n.getInputCount() > 6 && !n.getInput(6).isEmpty() ? sd.squeeze(v.get(n.getInput(6)), 0) : null;
            List<SDVariable> ys = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                SDVariable xt = sd.stridedSlice(x, new long[]{t, 0, 0}, new long[]{t + 1, 0, 0}, new long[]{1, 1, 1}, 6, 6, 0, 0, 1);
                SDVariable gates = sd.mmul(xt, wih, false, true, false);
                if (bias != null) gates = gates.add(bias);
                if (h != null) gates = gates.add(sd.mmul(h, whh, false, true, false));
                SDVariable[] z = sd.split(gates, 4, 1);
                SDVariable i = sd.nn().sigmoid(z[ifgo[0]]), f = sd.nn().sigmoid(z[ifgo[1]]), cand = sd.math().tanh(z[ifgo[2]]),
                        o = sd.nn().sigmoid(z[ifgo[3]]);
                c = c == null ? i.mul(cand) : f.mul(c).add(i.mul(cand));
                h = o.mul(sd.math().tanh(c));
                ys.add(sd.expandDims(h, 0));
            }
            SDVariable y = g.named(sd.expandDims(sd.concat(0, ys.toArray(SDVariable[]::new)), 1), n.getOutput(0));   // [T, 1, B, H]
            v.put(n.getOutput(0), y);
            if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) v.put(n.getOutput(1), sd.expandDims(h, 0));
            if (n.getOutputCount() > 2 && !n.getOutput(2).isEmpty()) v.put(n.getOutput(2), sd.expandDims(c, 0));
        }

        /** The PyTorch module an exported node came from: "/lstm/LSTM_1" → "lstm", "/encoder/rnn/LSTM" → "encoder.rnn". */
        String moduleOf(NodeProto n) {
            String name = n.getName();
            int last = name.lastIndexOf('/');
            if (last <= 0) return "";
            return name.substring(name.startsWith("/") ? 1 : 0, last).replace('/', '.');
        }

        INDArray iofcToIfgo(INDArray a, int hidden) {
            long H = hidden;
            INDArray[] blocks = new INDArray[4];
            for (int k = 0; k < 4; k++) blocks[k] = a.rank() == 1 ? a.get(NDArrayIndex.interval(k * H, (k + 1) * H))
                    : a.get(NDArrayIndex.interval(k * H, (k + 1) * H), NDArrayIndex.all());
            // ONNX blocks: 0 = i, 1 = o, 2 = f, 3 = c  →  PyTorch: i, f, g (= c), o
            return Nd4j.concat(0, blocks[0].dup(), blocks[2].dup(), blocks[3].dup(), blocks[1].dup());
        }

        // --- shapes: found by running the graph built so far on batches of 1 and 2 (dimensions that differ are -1) ---

        final Map<String, long[]> shapes = new HashMap<>();

        long[] shapeOf(SDVariable x) {
            long[] s = shapes.get(x.name());
            if (s != null) return s;
            long[] one = run(x, 1), two = run(x, 2);
            s = one.clone();
            for (int i = 0; i < s.length; i++) if (i < two.length && one[i] != two[i]) s[i] = -1;
            shapes.put(x.name(), s);
            return s;
        }

        int rank(SDVariable x) {
            return shapeOf(x).length;
        }

        private long[] run(SDVariable x, int batch) {
            Map<String, INDArray> ph = new HashMap<>();
            inputShapes.forEach((name, shape) -> {
                long[] s = shape.clone();
                for (int i = 0; i < s.length; i++) if (s[i] < 0) s[i] = batch;
                ph.put(name + g.suffix, Nd4j.zeros(g.dataType(), s));
            });
            return sd.output(ph, x.name()).get(x.name()).shape();
        }

        int axis(SDVariable x, int axis) {
            return axis < 0 ? axis + rank(x) : axis;
        }

        /** Keeps a node's value known when its input was, for shape arithmetic downstream. */
        void fold(NodeProto n, java.util.function.UnaryOperator<INDArray> f) {
            INDArray a = known.get(n.getInput(0));
            if (a != null) known.put(n.getOutput(0), f.apply(a));
        }

        long[] knownLongs(NodeProto n, int input) {
            INDArray a = known.get(n.getInput(input));
            if (a == null) throw unsupported(n, "input " + input + " ('" + n.getInput(input) + "') must be a constant");
            return a.castTo(DataType.INT64).reshape(-1).toLongVector();
        }

        IllegalArgumentException unsupported(NodeProto n, String why) {
            return new IllegalArgumentException(file.getFileName() + ": cannot import node " + n.getName() + " (" + n.getOpType() + "): " + why);
        }
    }

    // --- attributes and tensors -------------------------------------------------------------------------------------

    private static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
        throw new IllegalArgumentException("node " + n.getName() + " (" + n.getOpType() + ") lacks attribute '" + name + "'");
    }

    private static long attrInt(NodeProto n, String name, long dflt) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return dflt;
    }

    private static double attrFloat(NodeProto n, String name, double dflt) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getF();
        return dflt;
    }

    private static String attrString(NodeProto n, String name, String dflt) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getS().toStringUtf8();
        return dflt;
    }

    private static long[] attrInts(NodeProto n, String name) {
        return attr(n, name).getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] attrIntsOr(NodeProto n, String name, long... dflt) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        return dflt;
    }

    private static int[] toInt(long[] a) {
        return Arrays.stream(a).mapToInt(x -> (int) x).toArray();
    }

    /** A tensor's values (float, double, int32, int64; raw little-endian bytes or typed lists). */
    static INDArray array(TensorProto t) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        INDArray a;
        switch (t.getDataType()) {
            case 1 -> {         // FLOAT
                float[] f;
                if (raw != null) {
                    f = new float[raw.remaining() / 4];
                    raw.asFloatBuffer().get(f);
                } else {
                    f = new float[t.getFloatDataCount()];
                    for (int i = 0; i < f.length; i++) f[i] = t.getFloatData(i);
                }
                a = Nd4j.createFromArray(f);
            }
            case 11 -> {        // DOUBLE
                double[] d;
                if (raw != null) {
                    d = new double[raw.remaining() / 8];
                    raw.asDoubleBuffer().get(d);
                } else d = t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
                a = Nd4j.createFromArray(d).castTo(DataType.FLOAT);
            }
            case 7 -> {         // INT64
                long[] l;
                if (raw != null) {
                    l = new long[raw.remaining() / 8];
                    raw.asLongBuffer().get(l);
                } else l = t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
                a = Nd4j.createFromArray(l);
            }
            case 6 -> {         // INT32
                int[] i;
                if (raw != null) {
                    i = new int[raw.remaining() / 4];
                    raw.asIntBuffer().get(i);
                } else i = t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray();
                a = Nd4j.createFromArray(i).castTo(DataType.INT64);
            }
            default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' has ONNX data type " + t.getDataType()
                    + ", which modmask does not read (float, double, int32 and int64 only)");
        }
        return shape.length == 0 ? a.reshape() : a.reshape(shape);
    }
}
