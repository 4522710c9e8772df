package org.modmask.nn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Models exported from PyTorch 1.13 with torch.onnx.export (fixtures made by make_onnx_fixtures.py beside them): each
 * imports with PyTorch's parameter names and gives PyTorch's outputs on PyTorch's inputs; an imported model trains and
 * masks; an unsupported op is named.
 */
class OnnxTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    static Path fixture(String name) {
        try {
            return Path.of(OnnxTest.class.getResource("onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The imported model's output on PyTorch's input, against PyTorch's output. */
    static Model matchesPyTorch(String name, double tol) throws IOException {
        Onnx onnx = Onnx.read(fixture(name + ".onnx"));
        Model m = onnx.classifier();
        var t = onnx.matches(m, fixture(name + "-input.npy"), fixture(name + "-output.npy"));
        assertTrue(t.doubleColumn("largest |difference|").get(0) < tol, name + ": " + t.print());
        assertEquals(100.0, t.doubleColumn("same argmax %").get(0), 1e-9, name + ": " + t.print());
        return m;
    }

    static List<String> names(Model m) {
        return m.parameters().stream().map(Param::name).toList();
    }

    @Test
    void anMlpKeepsItsNamesAndPyTorchsOutputs() throws IOException {
        Model m = matchesPyTorch("mlp", 1e-5);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), names(m));
        assertArrayEquals(new long[]{16, 6}, m.param("fc1.weight").shape(), "PyTorch's [out, in] layout");
    }

    @Test
    void aCnnWithBatchNormKeepsItsNamesAndPyTorchsOutputs() throws IOException {
        Model m = matchesPyTorch("cnn", 1e-4);
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn.weight", "bn.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"), names(m),
                "running statistics are not parameters");
        assertEquals(List.of("conv1", "bn", "bn.relu", "bn.relu.maxpool", "conv2", "conv2.tanh", "fc", "logits").subList(0, 6),
                m.activationNames().subList(0, 6), "layer outputs are named activations, after their modules");
    }

    @Test
    void anLstmComesBackUnderPyTorchsNamesWhetherFoldedOrNot() throws IOException {
        Model plain = matchesPyTorch("lstm", 1e-5), folded = matchesPyTorch("lstm-folded", 1e-5);
        List<String> torch = List.of("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
                "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1", "fc.weight", "fc.bias");
        assertEquals(new java.util.TreeSet<>(torch), new java.util.TreeSet<>(names(plain)));
        assertEquals(new java.util.TreeSet<>(torch), new java.util.TreeSet<>(names(folded)), "the export's onnx::LSTM_* initializers renamed");
        // the folded export reorders the gates (i, o, f, c); the import restores PyTorch's tensors exactly
        for (String p : torch)
            assertEquals(plain.sameDiff().getVariable(p).getArr(), folded.sameDiff().getVariable(p).getArr(), p + " in PyTorch's layout");
    }

    @Test
    void matchesReportsTheComparisonAsATable() throws IOException {
        Onnx onnx = Onnx.read(fixture("mlp.onnx"));
        var t = onnx.matches(onnx.classifier(), fixture("mlp-input.npy"), fixture("mlp-output.npy"));
        assertEquals(5, t.intColumn("examples").get(0));
        assertTrue(t.doubleColumn("largest |difference|").get(0) < 1e-5, t.print());
        assertEquals(100.0, t.doubleColumn("same argmax %").get(0), 1e-9);
        var e = assertThrows(IllegalArgumentException.class, () -> onnx.matches(onnx.classifier(), fixture("mlp-input.npy"), fixture("cnn-output.npy")));
        assertTrue(e.getMessage().contains("cnn-output.npy"), e.getMessage());
    }

    @Test
    void anUnsupportedOpIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Onnx.read(fixture("unsupported.onnx")));
        assertTrue(e.getMessage().contains("unsupported.onnx") && e.getMessage().contains("CumSum (1 node)"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path bad = dir.resolve("notes.onnx");
        Files.writeString(bad, "not a model");
        var e = assertThrows(IOException.class, () -> Onnx.read(bad));
        assertTrue(e.getMessage().contains("notes.onnx"), e.getMessage());
        assertThrows(java.io.FileNotFoundException.class, () -> Onnx.read(dir.resolve("missing.onnx")));
    }

    /** An imported network trains further and gets a mask by PyTorch's parameter names. */
    @Test
    void anImportedModelTrainsAndMasks() throws IOException {
        Model m = Onnx.read(fixture("mlp.onnx")).classifier();
        // a task the random network does not solve: the class is the argmax of the first four inputs
        var rng = new java.util.Random(7);
        float[] xs = new float[400 * 6];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rng.nextGaussian();
        INDArray x = Nd4j.create(xs, new long[]{400, 6}, 'c');
        INDArray y = Nd4j.zeros(DataType.FLOAT, 400, 4);
        INDArray arg = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)).argMax(1);
        for (int i = 0; i < 400; i++) y.putScalar(i, arg.getInt(i), 1);
        Dataset d = Dataset.of("argmax", "input", x, "labels", y);
        double before = Eval.accuracy(m, d);
        Train.of(m).steps(300).batchSize(50).lr(1e-2).run(d);
        double after = Eval.accuracy(m, d);
        assertTrue(after > 0.8 && after > before + 0.3, "trained further: " + before + " → " + after);
        Masks masks = Masks.of(m).steps(200).batchSize(48).lr(0.1);     // K = 4: four replicas of the imported graph
        assertEquals(List.of("fc1.weight", "fc2.weight"), masks.selected(), "weights masked by PyTorch's names, biases not");
        WeightMask w = masks.train(d);
        assertTrue(w.accuracy(m, d) > 0.6, w + ": the mask keeps the task (" + w.accuracy(m, d) + ")");
    }
}
