package org.modmask.bench;

import org.modmask.data.Dataset;
import org.modmask.mask.Masks;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.nn.SimpleCnn;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Steps per second of plain training and of mask training, with peak resident memory, for the FNN
 * (4 × 2000 hidden, batch 128) and the simple CNN (batch 128). {@code bench/run [CASE] [--steps N]}.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Progress.Factory.quiet(true);
        List<String> a = Arrays.asList(args);
        int steps = a.contains("--steps") ? Integer.parseInt(a.get(a.indexOf("--steps") + 1)) : 20;
        String only = a.isEmpty() || a.get(0).startsWith("--") ? null : a.get(0);
        System.out.printf("%-10s %-6s %10s %10s %12s%n", "case", "kind", "steps/s", "ms/step", "peak RSS MB");
        for (String c : List.of("fnn", "cnn")) {
            if (only != null && !only.equals(c)) continue;
            Model m = c.equals("fnn") ? Mlp.classifier(42, new int[]{2000, 2000, 2000, 2000}, 2, 10, 1)
                    : SimpleCnn.classifier(3, 32, 32, 10, false, 1);
            Dataset d = c.equals("fnn") ? random(1024, 42, 20) : random(1024, 3 * 32 * 32, 10);
            run(c, "plain", steps, () -> Train.of(m).steps(steps).run(d), () -> Train.of(m).steps(2).run(d));
            run(c, "mask", steps, () -> Masks.of(m).steps(steps).train(d), () -> Masks.of(m).steps(2).train(d));
        }
    }

    private static void run(String c, String kind, int steps, Runnable body, Runnable warmup) throws Exception {
        warmup.run();
        long t0 = System.nanoTime();
        body.run();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-10s %-6s %10.2f %10.1f %12d%n", c, kind, steps / s, 1000 * s / steps, peakRssMb());
    }

    private static Dataset random(int n, int in, int classes) {
        var x = Nd4j.rand(DataType.FLOAT, n, in);
        var y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, i % classes, 1);
        return Dataset.of("random", "x", x, "y", y);
    }

    static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        return -1;
    }
}
