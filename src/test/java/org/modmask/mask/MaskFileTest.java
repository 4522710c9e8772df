package org.modmask.mask;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Portable mask files: NumPy's .npy/.npz format written and read, the manifest, and misfits named. */
class MaskFileTest {
    @TempDir
    Path dir;

    static Model model() {
        return Mlp.classifier(4, new int[]{3}, 2, 1);
    }

    static WeightMask randomMask(Model m) {
        Nd4j.getRandom().setSeed(7);
        Map<String, INDArray> l = new LinkedHashMap<>();
        for (var p : m.parameters()) l.put(p.name(), Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, p.shape()).muli(3));
        return new WeightMask("plus", l);
    }

    @Test
    void roundTripKeepsLogitsNameAndManifest() throws IOException {
        Model m = model();
        WeightMask w = randomMask(m);
        Path npz = MaskFile.save(w, dir.resolve("plus.npz"), m, Map.of("beta", "1e-4"));
        assertTrue(Files.isRegularFile(dir.resolve("plus.json")));
        WeightMask back = MaskFile.load(npz, m);
        assertEquals("plus", back.name());
        assertEquals(w.params(), back.params());
        for (String p : w.params()) assertEquals(w.logits(p), back.logits(p), p);
        var manifest = MaskFile.manifest(npz);
        assertEquals(MaskFile.FORMAT, manifest.get("format"));
        assertEquals("1e-4", ((Map<?, ?>) manifest.get("settings")).get("beta"));
        Map<?, ?> first = (Map<?, ?>) ((Map<?, ?>) manifest.get("parameters")).get(w.params().get(0));
        assertEquals((int) w.keptCount(w.params().get(0)), ((Number) first.get("kept")).intValue());
        assertTrue(MaskFile.sameWeights(npz, m), "the manifest records this model's weights");
        assertFalse(MaskFile.sameWeights(npz, Mlp.classifier(4, new int[]{3}, 2, 2)), "another seed, other weights");
    }

    @Test
    void npyHeaderIsNumpysVersionOneAlignedTo64Bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaskFile.writeNpy(out, Nd4j.createFromArray(new float[][]{{1, 2, 3}, {4, 5, 6}}));
        byte[] b = out.toByteArray();
        assertEquals(0x93, b[0] & 0xff);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int headerLength = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "data starts on a 64-byte boundary");
        String header = new String(b, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + headerLength + 6 * 4, b.length);
        out.reset();
        MaskFile.writeNpy(out, Nd4j.createFromArray(new float[]{1, 2}));
        assertTrue(new String(out.toByteArray(), 10, 60, StandardCharsets.US_ASCII).contains("'shape': (2,), }"), "a 1-tuple has its comma");
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        Path npz = dir.resolve("numpy-made.npz");
        try (InputStream in = getClass().getResourceAsStream("numpy-made.npz")) {
            Files.copy(in, npz);
        }
        WeightMask w = MaskFile.load(npz);
        assertEquals("numpy-made", w.name(), "no manifest: the file's name");
        INDArray weight = w.logits("layers.0.weight");      // float64, Fortran order: arange(12).reshape(3, 4) − 5.5
        assertArrayEquals(new long[]{3, 4}, weight.shape());
        assertEquals(-5.5, weight.getDouble(0, 0), 1e-6);
        assertEquals(-4.5, weight.getDouble(0, 1), 1e-6, "row-major values after a Fortran-order file");
        assertEquals(5.5, weight.getDouble(2, 3), 1e-6);
        assertArrayEquals(new float[]{10, -10, 10}, w.logits("layers.0.bias").toFloatVector(), "booleans become decided logits");
        assertEquals(-0.25, w.logits("out.weight").getDouble(0, 1), 1e-6);
    }

    @Test
    void numpyReadsWhatWeWrote() throws Exception {
        Model m = model();
        WeightMask w = randomMask(m);
        Path npz = MaskFile.save(w, dir.resolve("plus.npz"), m, null);
        String p = w.params().get(0);
        Process py;
        try {
            py = new ProcessBuilder("python3", "-c", "import sys, numpy as np; z = np.load(sys.argv[1]); a = z[sys.argv[2]]; "
                    + "print(a.dtype, a.shape, int((a > 0).sum()), repr(float(a.flat[0])))", npz.toString(), p).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("no python3 here: " + e.getMessage());
            return;
        }
        assertTrue(py.waitFor(60, TimeUnit.SECONDS));
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "numpy is not installed");
        long[] s = w.logits(p).shape();
        String shape = s.length == 1 ? "(" + s[0] + ",)" : "(" + s[0] + ", " + s[1] + ")";
        assertEquals("float32 " + shape + " " + w.keptCount(p) + " " + (double) w.logits(p).getFloat(0), out);
    }

    @Test
    void aMisfitNamesEachParameter() throws IOException {
        Model m = model();
        Map<String, INDArray> l = new LinkedHashMap<>();
        String first = m.parameters().get(0).name();
        l.put(first, Nd4j.ones(9, 9));
        l.put("encoder.weight", Nd4j.ones(2));
        Path npz = MaskFile.save(new WeightMask("bad", l), dir.resolve("bad.npz"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskFile.load(npz, m));
        assertTrue(e.getMessage().contains("'" + first + "' has shape [9, 9], the model's"), e.getMessage());
        assertTrue(e.getMessage().contains("'encoder.weight' is not a parameter of the model"), e.getMessage());
        assertTrue(e.getMessage().contains(npz.toString()), e.getMessage());
    }

    @Test
    void badFilesSayWhatIsWrong() throws IOException {
        Path npz = dir.resolve("ints.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            zip.putNextEntry(new ZipEntry("w.npy"));
            String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }";
            String header = dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
            zip.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
            zip.write(header.getBytes(StandardCharsets.US_ASCII));
            zip.write(new byte[8]);
            zip.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> MaskFile.load(npz));
        assertTrue(e.getMessage().contains("dtype <i8") && e.getMessage().contains(npz.toString()), e.getMessage());
        Path text = Files.writeString(dir.resolve("text.npz"), "not a zip");
        IOException e2 = assertThrows(IOException.class, () -> MaskFile.load(text));
        assertTrue(e2.getMessage().contains("not a NumPy .npz"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaskFile.save(randomMask(model()), dir.resolve("x.zip")));
    }
}
