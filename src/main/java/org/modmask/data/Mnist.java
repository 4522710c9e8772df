package org.modmask.data;

import org.modmask.Workspace;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST from the four official IDX files ({@code train-images-idx3-ubyte.gz}, ...) in {@code <data dir>/mnist}
 * ({@link Workspace#data()}, set by {@code MODMASK_DATA}), or the same files unpacked. Images become {@code x} [N, 784] with pixels in [0, 1]
 * (no other normalization, as in Lange et al.), labels one-hot {@code y} [N, 10] and {@code label} [N, 1].
 * A missing file is downloaded when a network is there (and checked against the official MD5).
 */
public final class Mnist {
    /** Where the official files are mirrored; any mirror with the same file names works. */
    public static final String MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String[] FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    private Mnist() {
    }

    /** The 60,000 training images. */
    public static Dataset train() {
        return load("train", FILES[0], FILES[1]);
    }

    /** The 10,000 test images. */
    public static Dataset test() {
        return load("test", FILES[2], FILES[3]);
    }

    private static Dataset load(String name, String images, String labels) {
        Path dir = Workspace.data().resolve("mnist");
        try {
            float[] x = readImages(file(dir, images));
            byte[] y = readLabels(file(dir, labels));
            int n = y.length;
            if (x.length != (long) n * 784)
                throw new IOException(images + " holds " + x.length / 784 + " images but " + labels + " " + n + " labels");
            float[] onehot = new float[n * 10], label = new float[n];
            for (int i = 0; i < n; i++) {
                onehot[i * 10 + y[i]] = 1;
                label[i] = y[i];
            }
            return Dataset.of("MNIST " + name, "x", Nd4j.create(x, new long[]{n, 784}, 'c'),
                    "y", Nd4j.create(onehot, new long[]{n, 10}, 'c'), "label", Nd4j.create(label, new long[]{n, 1}, 'c'));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MNIST from " + dir + " (set MODMASK_DATA to a directory with mnist/): " + e.getMessage(), e);
        }
    }

    /** The official {@code .gz} file, or the same file unpacked (without {@code .gz}); downloaded when neither is there. */
    private static Path file(Path dir, String name) throws IOException {
        Path plain = dir.resolve(name.substring(0, name.length() - 3));
        if (!Files.exists(dir.resolve(name)) && Files.exists(plain)) return plain;
        return Download.file(dir, name, MIRROR + name, md5(name));
    }

    private static InputStream open(Path f) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
        return f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** The official files' MD5 sums (a download that differs is refused). */
    static String md5(String name) {
        return switch (name) {
            case "train-images-idx3-ubyte.gz" -> "f68b3c2dcbeaaa9fbdd348bbdeb94873";
            case "train-labels-idx1-ubyte.gz" -> "d53e105ee54ea40749a09fcbcd1e9432";
            case "t10k-images-idx3-ubyte.gz" -> "9fb629c4189551a2d022fa330f9573f3";
            case "t10k-labels-idx1-ubyte.gz" -> "ec29112dd5afa0611ce80d1b7f02629c";
            default -> throw new IllegalArgumentException("not an MNIST file: " + name);
        };
    }

    /** Reads all of {@code buf}; a file that ends early is named with what its header promised. */
    private static void readFully(DataInputStream in, byte[] buf, Path f, String promised) throws IOException {
        try {
            in.readFully(buf);
        } catch (java.io.EOFException e) {
            throw new IOException(f + " is truncated: its header promises " + promised + " and the file ends before", e);
        }
        if (in.read() >= 0) throw new IOException(f + " has bytes after the " + promised + " its header promises");
    }

    static float[] readImages(Path f) throws IOException {
        try (DataInputStream in = new DataInputStream(open(f))) {
            return readImages(in, f);
        } catch (java.io.EOFException e) {
            throw new IOException(f + " ends inside its header: not an IDX image file", e);
        }
    }

    private static float[] readImages(DataInputStream in, Path f) throws IOException {
        if (in.readInt() != 2051) throw new IOException(f + " is not an IDX image file (magic number)");
        int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
        if (rows != 28 || cols != 28) throw new IOException(f + " holds " + rows + "×" + cols + " images, expected 28×28");
        if (n < 1 || n > 1_000_000) throw new IOException(f + " claims " + n + " images in its header: not an MNIST file");
        byte[] raw = new byte[n * 784];
        readFully(in, raw, f, n + " images");
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) x[i] = (raw[i] & 0xff) / 255f;
        return x;
    }

    static byte[] readLabels(Path f) throws IOException {
        try (DataInputStream in = new DataInputStream(open(f))) {
            return readLabels(in, f);
        } catch (java.io.EOFException e) {
            throw new IOException(f + " ends inside its header: not an IDX label file", e);
        }
    }

    private static byte[] readLabels(DataInputStream in, Path f) throws IOException {
        if (in.readInt() != 2049) throw new IOException(f + " is not an IDX label file (magic number)");
        int n = in.readInt();
        if (n < 1 || n > 1_000_000) throw new IOException(f + " claims " + n + " labels in its header: not an MNIST file");
        byte[] y = new byte[n];
        readFully(in, y, f, n + " labels");
        for (byte v : y) if (v < 0 || v > 9) throw new IOException(f + " holds a label " + v + " outside 0..9");
        return y;
    }
}
