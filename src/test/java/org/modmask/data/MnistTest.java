package org.modmask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The official IDX files read into [0, 1] pixels and one-hot labels (data from MODMASK_DATA, as CI sets it). */
class MnistTest {
    @Test
    void readsTheOfficialFiles() {
        Dataset test = Mnist.test();
        assertEquals(10_000, test.size());
        assertEquals(784, test.column("x").size(1));
        assertEquals(7, test.column("label").getInt(0), "the first test digit is a 7");
        assertEquals(2, test.column("label").getInt(1));
        assertEquals(0.0, test.column("x").minNumber().doubleValue());
        assertEquals(1.0, test.column("x").maxNumber().doubleValue());
        assertEquals(10_000, test.column("y").sumNumber().intValue(), "one label per image");
        Dataset train = Mnist.train();
        assertEquals(60_000, train.size());
        assertEquals(5, train.column("label").getInt(0), "the first training digit is a 5");
    }

    private static void idx(Path f, int magic, int[] dims, byte[] data, boolean gz) throws IOException {
        try (OutputStream o = gz ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f);
             DataOutputStream d = new DataOutputStream(o)) {
            d.writeInt(magic);
            for (int v : dims) d.writeInt(v);
            d.write(data);
        }
    }

    @Test
    void readsGeneratedIdxFilesPlainAndGzipped(@TempDir Path dir) throws IOException {
        byte[] pixels = new byte[2 * 784];
        pixels[0] = (byte) 255;
        pixels[784 + 783] = (byte) 51;
        idx(dir.resolve("img.gz"), 2051, new int[]{2, 28, 28}, pixels, true);
        idx(dir.resolve("img"), 2051, new int[]{2, 28, 28}, pixels, false);
        for (String name : new String[]{"img.gz", "img"}) {
            float[] x = Mnist.readImages(dir.resolve(name));
            assertEquals(2 * 784, x.length);
            assertEquals(1.0f, x[0]);
            assertEquals(0.2f, x[784 + 783], 1e-6, "row-major: the second image's last pixel");
        }
        idx(dir.resolve("lab"), 2049, new int[]{3}, new byte[]{7, 0, 9}, false);
        assertArrayEquals(new byte[]{7, 0, 9}, Mnist.readLabels(dir.resolve("lab")));
        idx(dir.resolve("bad"), 2049, new int[]{1}, new byte[]{12}, false);
        IOException e = assertThrows(IOException.class, () -> Mnist.readLabels(dir.resolve("bad")));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
        e = assertThrows(IOException.class, () -> Mnist.readImages(dir.resolve("lab")));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        assertEquals("f68b3c2dcbeaaa9fbdd348bbdeb94873", Mnist.md5("train-images-idx3-ubyte.gz"));
    }
}
