package org.modmask.data;

import org.modmask.Workspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.*;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * CIFAR-10 from the official binary files ({@code data_batch_1.bin} … {@code data_batch_5.bin},
 * {@code test_batch.bin}, each plain or {@code .gz}) in {@code <data dir>/cifar10} ({@link Workspace#data()},
 * set by {@code MODMASK_DATA}). Records are 1 label byte and 3,072 pixel bytes (R, G, B planes of 32×32).
 * <p>Images become {@code x} [N, 3072] (CHW order, what {@link org.modmask.nn.SimpleCnn} takes) normalized per
 * channel with the 50k training images' mean and std, labels one-hot {@code y} [N, 10] and {@code label} [N, 1].
 * The simple-CNN experiments split the training images as the reference does (spec §3.5): NumPy's
 * {@code RandomState(0xC1CAFA52).rand(50000) > 0.2} marks the ≈40k training images, the rest is validation.
 * When files are missing and a network is there, the official archive is downloaded (MD5 checked) and unpacked.
 * <pre>{@code
 * var cifar = Cifar10.load();
 * cifar.train();                    // 40,053 images
 * cifar.valid().where(...);         // 9,947 images
 * Cifar10.without(cifar.train(), Cifar10.CAT);
 * }</pre>
 */
public final class Cifar10 {
    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    /** The class names in label order. */
    public static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    public static final int AIRPLANE = 0, AUTOMOBILE = 1, BIRD = 2, CAT = 3, DEER = 4, DOG = 5, FROG = 6, HORSE = 7, SHIP = 8, TRUCK = 9;
    static final int PIXELS = 3072, RECORD = PIXELS + 1;

    private final Dataset train, valid, test;
    private final double[] mean, std;

    private Cifar10(Dataset train, Dataset valid, Dataset test, double[] mean, double[] std) {
        this.train = train;
        this.valid = valid;
        this.test = test;
        this.mean = mean;
        this.std = std;
    }

    /** Loads the data directory's copy (a few seconds). */
    public static Cifar10 load() {
        return load(Workspace.data().resolve("cifar10"));
    }

    public static Cifar10 load(Path dir) {
        try {
            Raw all = read(dir, new String[]{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}, BATCH);
            Raw t = read(dir, new String[]{"test_batch.bin"}, BATCH);
            double[][] ms = channelStats(all.pixels);
            Dataset full = all.toDataset("CIFAR-10 train", ms[0], ms[1]);
            double[] u = new NumpyRandom(0xC1CAFA52L).rand(all.labels.length);
            Dataset tr = full.where("CIFAR-10 train", i -> u[i] > 0.2);
            Dataset va = full.where("CIFAR-10 valid", i -> !(u[i] > 0.2));
            full.columnNames().forEach(c -> full.column(c).close());
            return new Cifar10(tr, va, t.toDataset("CIFAR-10 test", ms[0], ms[1]), ms[0], ms[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CIFAR-10 from " + dir + " (set MODMASK_DATA to a directory with cifar10/): " + e.getMessage(), e);
        }
    }

    /** The ≈40k training images of the reference's split. */
    public Dataset train() {
        return train;
    }

    /** The ≈10k validation images (the paper's "iid" set for the simple CNN). */
    public Dataset valid() {
        return valid;
    }

    /** The official 10k test images. */
    public Dataset test() {
        return test;
    }

    /** Per-channel mean of the 50k training images, 0–255 scale. */
    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    /** The reference ResNet's normalization constants (spec §3.5), on the 0–1 scale. */
    public static final double[] RESNET_MEAN = {0.4914, 0.4822, 0.4465}, RESNET_STD = {0.2023, 0.1994, 0.2010};

    /** All 50k training images (the ResNet experiment trains on them and tests on {@link #test()}). */
    public Dataset trainAll() {
        Dataset t = train, v = valid;
        org.nd4j.linalg.api.ndarray.INDArray[] cols = new org.nd4j.linalg.api.ndarray.INDArray[3];
        String[] names = {"x", "y", "label"};
        for (int i = 0; i < 3; i++) cols[i] = Nd4j.concat(0, t.column(names[i]), v.column(names[i]));
        return Dataset.of("CIFAR-10 train (all 50k)", "x", cols[0], "y", cols[1], "label", cols[2]);
    }

    /** The same images normalized with other per-channel constants (0–1 scale), e.g. {@link #RESNET_MEAN}/{@link #RESNET_STD}. */
    public Dataset renormalized(Dataset d, double[] mean01, double[] std01) {
        INDArray x = d.column("x").dup();
        for (int c = 0; c < 3; c++) {
            // x = (raw − mean)/std  →  x' = (raw/255 − m)/s = x·std/(255 s) + (mean/255 − m)/s
            double a = std[c] / (255 * std01[c]), b = (mean[c] / 255 - mean01[c]) / std01[c];
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(c * 1024, (c + 1) * 1024)).muli(a).addi(b);
        }
        return d.with("x", x);
    }

    /**
     * Random crops of the 4-pixel zero-padded image and horizontal flips with probability ½ (the reference ResNet's
     * augmentation), drawn from (seed, step): a batch transform for {@code Train.augment}. Padding is 0 in the
     * normalized space.
     */
    public static Augment cropAndFlip(long seed) {
        return (batch, step) -> {
            INDArray x = batch.get("x");
            int n = (int) x.size(0);
            float[] in = x.dup('c').data().asFloat(), out = new float[in.length];
            SplittableRandom r = new SplittableRandom(BatchSampler.mix(seed, step));
            for (int i = 0; i < n; i++) {
                int dy = r.nextInt(9) - 4, dx = r.nextInt(9) - 4;
                boolean flip = r.nextBoolean();
                for (int c = 0; c < 3; c++)
                    for (int yy = 0; yy < 32; yy++)
                        for (int xx = 0; xx < 32; xx++) {
                            int sy = yy + dy, sx0 = xx + dx, sx = flip ? 31 - sx0 : sx0;
                            float v = sy < 0 || sy > 31 || sx0 < 0 || sx0 > 31 ? 0f : in[i * PIXELS + c * 1024 + sy * 32 + sx];
                            out[i * PIXELS + c * 1024 + yy * 32 + xx] = v;
                        }
            }
            java.util.Map<String, INDArray> b = new java.util.HashMap<>(batch);
            b.put("x", Nd4j.create(out, x.shape(), 'c'));
            return b;
        };
    }

    /** The examples of every class but {@code cls} (labels stay 10-way). */
    public static Dataset without(Dataset d, int cls) {
        checkClass(cls);
        return d.whereLabel(d.name() + " without " + CLASSES[cls], l -> l != cls);
    }

    /** The examples of the given classes only. */
    public static Dataset only(Dataset d, int... classes) {
        for (int c : classes) checkClass(c);
        StringBuilder n = new StringBuilder(d.name() + " only");
        for (int c : classes) n.append(' ').append(CLASSES[c]);
        return d.whereLabel(n.toString(), l -> java.util.Arrays.stream(classes).anyMatch(c -> c == l));
    }

    /** The label of a class name ("cat" → 3). */
    public static int classOf(String name) {
        for (int i = 0; i < CLASSES.length; i++) if (CLASSES[i].equalsIgnoreCase(name)) return i;
        throw new IllegalArgumentException("no CIFAR-10 class '" + name + "'; the classes are " + String.join(", ", CLASSES));
    }

    private static void checkClass(int c) {
        if (c < 0 || c >= 10) throw new IllegalArgumentException("CIFAR-10 class must be in 0..9, got " + c);
    }

    /** Labels and raw pixels of some batch files, in file order. */
    record Raw(byte[] labels, byte[] pixels) {
        Dataset toDataset(String name, double[] mean, double[] std) {
            int n = labels.length;
            INDArray x = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, PIXELS);
            FloatBuffer xb = x.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] row = new float[PIXELS];
            float[] scale = new float[3], shift = new float[3];
            for (int c = 0; c < 3; c++) {
                scale[c] = (float) (1 / std[c]);
                shift[c] = (float) (-mean[c] / std[c]);
            }
            for (int i = 0; i < n; i++) {
                int off = i * PIXELS;
                for (int j = 0; j < PIXELS; j++) {
                    int c = j >> 10;
                    row[j] = (pixels[off + j] & 0xff) * scale[c] + shift[c];
                }
                xb.put(row);
            }
            float[] onehot = new float[n * 10], label = new float[n];
            for (int i = 0; i < n; i++) {
                onehot[i * 10 + labels[i]] = 1;
                label[i] = labels[i];
            }
            return Dataset.of(name, "x", x, "y", Nd4j.create(onehot, new long[]{n, 10}, 'c'), "label", Nd4j.create(label, new long[]{n, 1}, 'c'));
        }
    }

    /** Images per official batch file. */
    static final int BATCH = 10_000;

    static Raw read(Path dir, String[] files) throws IOException {
        return read(dir, files, 0);
    }

    /** Reads batch files; with {@code records > 0} each must hold exactly that many images. */
    static Raw read(Path dir, String[] files, int records) throws IOException {
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (String f : files) {
            Path file = locate(dir, f);
            byte[] data = readFile(file);
            if (data.length % RECORD != 0)
                throw new IOException(file + " has " + data.length + " bytes, not a multiple of the record size " + RECORD);
            // every official batch holds 10,000 images: a shorter one would quietly shrink the data and move the split
            if (records > 0 && data.length != (long) records * RECORD)
                throw new IOException(file + " holds " + data.length / RECORD + " images; a CIFAR-10 batch holds " + records);
            for (int off = 0; off < data.length; off += RECORD) {
                int l = data[off];
                if (l < 0 || l > 9) throw new IOException(file + " record " + off / RECORD + " has label " + l + " outside 0..9");
                labels.write(l);
                pixels.write(data, off + 1, PIXELS);
            }
        }
        return new Raw(labels.toByteArray(), pixels.toByteArray());
    }

    private static byte[] readFile(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            InputStream s = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
            return s.readAllBytes();
        }
    }

    /** {@code name} or {@code name.gz} in the directory; when neither is there, the official archive is fetched. */
    static Path locate(Path dir, String name) throws IOException {
        Path plain = dir.resolve(name), gz = dir.resolve(name + ".gz");
        if (Files.exists(plain) && Files.exists(gz) && !java.util.Arrays.equals(readFile(plain), readFile(gz)))
            throw new IOException(plain + " and " + gz + " disagree: remove the one that is wrong");
        for (Path p : new Path[]{plain, gz}) if (Files.exists(p)) return p;
        Path archive = Download.file(dir, "cifar-10-binary.tar.gz", URL, MD5);
        Tar.extract(archive, dir, "cifar-10-batches-bin/");
        if (!Files.exists(dir.resolve(name))) throw new IOException("the official archive has no " + name);
        return dir.resolve(name);
    }

    /** Per-channel mean and std of raw CHW pixels (0–255 scale), over all images. */
    static double[][] channelStats(byte[] pixels) {
        double[] sum = new double[3], sq = new double[3];
        long[] count = new long[3];
        for (int off = 0; off < pixels.length; off += PIXELS)
            for (int c = 0; c < 3; c++) {
                long s = 0, q = 0;
                for (int j = c * 1024; j < (c + 1) * 1024; j++) {
                    int v = pixels[off + j] & 0xff;
                    s += v;
                    q += (long) v * v;
                }
                sum[c] += s;
                sq[c] += q;
                count[c] += 1024;
            }
        double[] mean = new double[3], std = new double[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = sum[c] / count[c];
            std[c] = Math.sqrt(sq[c] / count[c] - mean[c] * mean[c]);
        }
        return new double[][]{mean, std};
    }

    /** The class names as the official {@code batches.meta.txt} lists them. */
    static String[] metaClasses(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("batches.meta.txt"), StandardCharsets.US_ASCII).stream()
                .filter(s -> !s.isBlank()).toArray(String[]::new);
    }
}
