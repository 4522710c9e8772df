package org.modmask.bench;

import org.modmask.data.Dataset;
import org.modmask.mask.Masks;
import org.modmask.nn.LstmClassifier;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.nn.SimpleCnn;
import org.modmask.nn.Transformer;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One benchmark case of {@code bench/run}, timed step by step: {@code Bench CASE --steps N --warmup W
 * [--warmup-seconds S]} (untimed runs of W steps until S seconds have passed, so that the JIT compiler has settled).
 * Cases: {@code fnn-plain}, {@code fnn-mask} (4 × 2000 hidden), {@code cnn-plain}, {@code cnn-mask} (the simple
 * CNN), {@code lstm-plain}, {@code lstm-mask} (2 × 256 on the double-addition input, 6 steps),
 * {@code transformer-plain}, {@code transformer-mask} (d = 100 on SCAN-length sequences), {@code matmul}
 * (float32 1024² products), {@code triad} (memory bandwidth). Batch 128, K = 4, the paper's defaults otherwise;
 * random data of the real shapes.
 * Prints one JSON line; {@code bench/pytorch/bench.py} prints the same for the PyTorch reference.
 */
public final class Bench {
    static final int BATCH = 128;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        if (a.isEmpty()) throw new IllegalArgumentException("usage: Bench CASE [--steps N] [--warmup W] [--threads T]");
        String name = a.get(0);
        int steps = intArg(a, "--steps", 20), warmup = intArg(a, "--warmup", 3), threads = intArg(a, "--threads", 0);
        double warmupSeconds = a.contains("--warmup-seconds") ? Double.parseDouble(a.get(a.indexOf("--warmup-seconds") + 1)) : 0;
        if (threads > 0) org.modmask.Threads.use(threads);      // else OMP_NUM_THREADS decides
        if (name.equals("matmul")) {
            System.out.println(json(name, "gflops", matmul(), peakRssMb()));
            return;
        }
        if (name.equals("triad")) {
            System.out.println(json(name, "gbs", triad(Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "2"))), peakRssMb()));
            return;
        }
        String model = name.substring(0, name.indexOf('-'));
        boolean mask = name.endsWith("-mask");
        if (!mask && !name.endsWith("-plain")) throw new IllegalArgumentException("unknown case " + name);
        Model m = model(model);
        Dataset d = data(model);
        Progress.Factory.quiet(true);
        long start = System.nanoTime();
        do run(m, d, mask, Math.max(warmup, 1));
        while (System.nanoTime() - start < warmupSeconds * 1e9);
        resetPeakRss();
        Recorder rec = new Recorder();
        Progress.Factory.quiet(false);
        Progress.Factory.set((title, total, unit) -> rec.start());
        run(m, d, mask, steps);
        System.out.println(json(name, "step_s", rec.seconds(), peakRssMb()));
    }

    private static void run(Model m, Dataset d, boolean mask, int steps) {
        if (steps == 0) return;
        // bench/pytorch clips the logit gradients alone (its functional loop has no frozen .grad to accumulate)
        if (mask) Masks.of(m).clipping(org.modmask.mask.Clipping.LOGITS).steps(steps).train(d);
        else Train.of(m).steps(steps).run(d);
    }

    static Model model(String kind) {
        return switch (kind) {
            case "fnn" -> Mlp.classifier(42, new int[]{2000, 2000, 2000, 2000}, 2, 10, 1);
            case "cnn" -> SimpleCnn.classifier(3, 32, 32, 10, false, 1);
            case "lstm" -> LstmClassifier.of(80, 256, 2, 6, 4, 10, 1);
            case "transformer" -> Transformer.of(Transformer.Config.scan(15, 9).withDropout(0), 1);
            default -> throw new IllegalArgumentException("unknown model " + kind + " (fnn, cnn, lstm, transformer)");
        };
    }

    /** 1024 random rows of the model's input shapes (one-hot digits where the task has them). */
    static Dataset data(String kind) {
        int n = 1024;
        Nd4j.getRandom().setSeed(42);
        return switch (kind) {
            case "fnn" -> Dataset.of("random", "x", Nd4j.rand(DataType.FLOAT, n, 42), "y", oneHots(n, 2));
            case "cnn" -> Dataset.of("random", "x", Nd4j.rand(DataType.FLOAT, n, 3 * 32 * 32), "y", oneHots(n, 1));
            case "lstm" -> Dataset.of("random", "x", oneHots(n, 8), "y", oneHots(n, 4));
            case "transformer" -> Dataset.of("random", "src", ids(n, 10, 15), "src_mask", Nd4j.ones(DataType.FLOAT, n, 10),
                    "tgt_in", ids(n, 49, 9), "tgt_out", ids(n, 49, 9), "tgt_mask", Nd4j.ones(DataType.FLOAT, n, 49));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static INDArray oneHots(int n, int groups) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, groups * 10L);
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < n; i++)
            for (int g = 0; g < groups; g++) y.putScalar(i, g * 10L + r.nextInt(10), 1);
        return y;
    }

    private static INDArray ids(int n, int len, int vocab) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, len);
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < n; i++)
            for (int t = 0; t < len; t++) x.putScalar(i, t, r.nextInt(vocab));
        return x;
    }

    /**
     * GFLOP/s of 30 float32 1024 × 1024 products, one figure each, through ND4J's direct BLAS call
     * ({@code Nd4j.gemm}): the fastest product ND4J offers (measured ~185 GFLOP/s on the project's machine, where
     * {@code INDArray.mmul} reaches ~120 and SameDiff's matmul op ~145), so that "share of peak" is not flattered.
     */
    static List<Double> matmul() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1024, 1024), y = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray z = Nd4j.create(DataType.FLOAT, 1024, 1024);
        for (int i = 0; i < 5; i++) Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(x, y, z, false, false, 1.0, 0.0);
            out.add(2.0 * Math.pow(1024, 3) / (System.nanoTime() - t0));
        }
        return out;
    }

    /**
     * Memory bandwidth in GB/s of 10 STREAM-style triads {@code z = x + 1.5·y} over 48 MB float arrays (beyond the
     * caches), split over {@code threads} threads, counting 12 bytes per element as STREAM does. The mask step's
     * element-wise passes over every weight and sample are bounded by it, not by the matmul peak.
     */
    static List<Double> triad(int threads) throws InterruptedException {
        int n = 12_000_000;
        float[] x = new float[n], y = new float[n], z = new float[n];
        Arrays.fill(x, 1f);
        Arrays.fill(y, 2f);
        List<Double> out = new ArrayList<>();
        for (int rep = 0; rep < 15; rep++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
                ts[t] = new Thread(() -> {
                    for (int i = from; i < to; i++) z[i] = x[i] + 1.5f * y[i];
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            if (rep >= 5) out.add(12.0 * n / (System.nanoTime() - t0));       // the first five compile the loop
        }
        return out;
    }

    /** Records the time of every step through the progress hook the training loops already call. */
    private static final class Recorder implements Progress {
        final List<Double> seconds = new ArrayList<>();
        long last;

        Recorder start() {
            last = System.nanoTime();
            return this;
        }

        @Override
        public void update(long step, Map<String, Double> figures) {
            long now = System.nanoTime();
            seconds.add((now - last) / 1e9);
            last = now;
        }

        @Override
        public void close() {
        }

        List<Double> seconds() {
            return seconds;
        }
    }

    private static String json(String name, String key, List<Double> values, long rss) {
        String v = values.stream().map(x -> String.format(Locale.ROOT, "%.6g", x)).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "{\"impl\": \"modmask\", \"case\": \"%s\", \"%s\": [%s], \"rss_mb\": %d}", name, key, v, rss);
    }

    private static int intArg(List<String> a, String flag, int dflt) {
        int i = a.indexOf(flag);
        return i < 0 ? dflt : Integer.parseInt(a.get(i + 1));
    }

    /**
     * Lets the warm-up's garbage go and restarts the peak-RSS count, so that the peak is the timed run's: every
     * warm-up run is a fresh training session whose buffers the collector frees only later, which inflated the
     * fnn-mask peak from ~1.7 to 2.7 GB. (Linux: writing 5 to clear_refs resets VmHWM; elsewhere the peak stays.)
     */
    private static void resetPeakRss() throws InterruptedException {
        System.gc();
        Thread.sleep(500);          // JavaCPP's deallocator thread frees the collected buffers
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // not Linux, or not allowed: the peak then includes the warm-up
        }
    }

    static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        return -1;
    }
}
