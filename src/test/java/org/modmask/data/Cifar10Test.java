package org.modmask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.Workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The official binary layout, on generated files and on the shared copy (MODMASK_DATA, as CI sets it). */
class Cifar10Test {
    /** Record i: label i % 10, channel c of pixel j holds (i + c·7 + j) mod 256. */
    private static byte[] records(int n, int firstIndex) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = firstIndex; i < firstIndex + n; i++) {
            b.write(i % 10);
            for (int c = 0; c < 3; c++) for (int j = 0; j < 1024; j++) b.write((i + c * 7 + j) & 0xff);
        }
        return b.toByteArray();
    }

    private static void write(Path f, byte[] data, boolean gz) throws IOException {
        try (OutputStream o = gz ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            o.write(data);
        }
    }

    @Test
    void readsPlainAndGzippedBatchesInTheOfficialLayout(@TempDir Path dir) throws IOException {
        write(dir.resolve("data_batch_1.bin.gz"), records(3, 0), true);
        write(dir.resolve("data_batch_2.bin"), records(2, 3), false);
        Cifar10.Raw raw = Cifar10.read(dir, new String[]{"data_batch_1.bin", "data_batch_2.bin"});
        assertArrayEquals(new byte[]{0, 1, 2, 3, 4}, raw.labels());
        assertEquals(5 * 3072, raw.pixels().length);
        assertEquals((4 + 7 + 5) & 0xff, raw.pixels()[4 * 3072 + 1024 + 5] & 0xff, "image 4, green plane, pixel 5");
        Dataset d = raw.toDataset("t", new double[]{0, 0, 0}, new double[]{1, 1, 1});
        assertEquals((3 + 14 + 1023) & 0xff, d.column("x").getFloat(3, 2048 + 1023), 0, "image 3, blue plane, last pixel");
        assertEquals(1, d.column("y").getFloat(4, 4));
        assertEquals(4, d.column("label").getInt(4));
    }

    @Test
    void refusesBrokenFiles(@TempDir Path dir) throws IOException {
        write(dir.resolve("a.bin"), new byte[100], false);
        IOException e = assertThrows(IOException.class, () -> Cifar10.read(dir, new String[]{"a.bin"}));
        assertTrue(e.getMessage().contains("multiple of the record size"), e.getMessage());
        byte[] bad = records(1, 0);
        bad[0] = 12;
        write(dir.resolve("b.bin"), bad, false);
        e = assertThrows(IOException.class, () -> Cifar10.read(dir, new String[]{"b.bin"}));
        assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    }

    @Test
    void unpacksTheOfficialArchiveLayout(@TempDir Path dir) throws IOException {
        byte[] batch = records(4, 0);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "cifar-10-batches-bin/", new byte[0], '5');
        tarEntry(tar, "cifar-10-batches-bin/test_batch.bin", batch, '0');
        tarEntry(tar, "cifar-10-batches-bin/readme.html", "hi".getBytes(StandardCharsets.US_ASCII), '0');
        tarEntry(tar, "other/../../evil.bin", batch, '0');
        tar.write(new byte[1024]);
        write(dir.resolve("a.tar.gz"), tar.toByteArray(), true);
        Tar.extract(dir.resolve("a.tar.gz"), dir, "cifar-10-batches-bin/");
        assertArrayEquals(batch, Files.readAllBytes(dir.resolve("test_batch.bin")));
        assertTrue(Files.exists(dir.resolve("readme.html")));
        assertFalse(Files.exists(dir.resolve("evil.bin")));
        assertFalse(Files.exists(dir.getParent().resolve("evil.bin")));
    }

    private static void tarEntry(ByteArrayOutputStream tar, String name, byte[] data, char type) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", data.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = (byte) type;
        tar.write(h);
        tar.write(data);
        tar.write(new byte[(512 - data.length % 512) % 512]);
    }

    @Test
    void sharedCopyHasTheKnownFacts() throws IOException {
        long t0 = System.nanoTime();
        Cifar10 c = Cifar10.load();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CIFAR-10 loaded in %.1f s%n", seconds);
        assertEquals(40_053, c.train().size(), "the reference's split: RandomState(0xC1CAFA52).rand(50000) > 0.2");
        assertEquals(9_947, c.valid().size());
        assertEquals(10_000, c.test().size());
        double[] mean = c.mean(), std = c.std();
        assertArrayEquals(new double[]{125.30692, 122.95039, 113.86538}, mean, 1e-4);
        assertArrayEquals(new double[]{62.99322, 62.08871, 66.70490}, std, 1e-4);
        int[] perClass = new int[10];
        for (int l : c.test().column("label").toIntVector()) perClass[l]++;
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
        assertArrayEquals(new int[]{3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, java.util.Arrays.copyOf(c.test().column("label").toIntVector(), 10));
        // train image 0 (frog) has u = 0.705 > 0.2, image 1 (truck) has u = 0.29999 > 0.2: the first train labels
        assertEquals(6, c.train().column("label").getInt(0));
        assertEquals(9, c.train().column("label").getInt(1));
        assertArrayEquals(Cifar10.CLASSES, Cifar10.metaClasses(Workspace.data().resolve("cifar10")));
        assertEquals(0.0, c.train().column("x").meanNumber().doubleValue(), 0.01, "normalized on the training images");
        Dataset noCat = Cifar10.without(c.valid(), Cifar10.CAT);
        assertTrue(java.util.Arrays.stream(noCat.column("label").toIntVector()).noneMatch(l -> l == 3));
        Dataset two = Cifar10.only(c.valid(), Cifar10.CAT, Cifar10.DOG);
        assertTrue(java.util.Arrays.stream(two.column("label").toIntVector()).allMatch(l -> l == 3 || l == 5));
        assertEquals(10, two.column("y").size(1), "labels stay 10-way");
        assertEquals(3, Cifar10.classOf("Cat"));
        assertThrows(IllegalArgumentException.class, () -> Cifar10.classOf("zebra"));
    }
}
