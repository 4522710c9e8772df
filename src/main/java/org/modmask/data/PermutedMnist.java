package org.modmask.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Permuted MNIST as the reference builds it (spec §3.7): the 60k training images split 80/20 by NumPy's
 * {@code RandomState(0xC1CAFA52).rand(60000) > 0.2}, normalized with the training images' scalar mean and std;
 * task 0 is the identity, task {@code p} permutes the pixels by {@code RandomState(p).permutation(784)}.
 * <pre>{@code
 * var tasks = PermutedMnist.load();
 * tasks.train(3)     // ≈48k images, pixels permuted by task 3's permutation
 * }</pre>
 */
public final class PermutedMnist {
    private final Dataset train, valid;
    private final double mean, std;

    private PermutedMnist(Dataset train, Dataset valid, double mean, double std) {
        this.train = train;
        this.valid = valid;
        this.mean = mean;
        this.std = std;
    }

    /** From MNIST in the data directory ({@link Mnist}). */
    public static PermutedMnist load() {
        return of(Mnist.train());
    }

    /** From any MNIST-shaped dataset with {@code x} in [0, 1] (scaled to 0–255 as in the reference's statistics). */
    public static PermutedMnist of(Dataset mnist) {
        INDArray x = mnist.column("x");
        // in double: a float32 sum over 47M pixels drifts in the fourth decimal
        double sum = 0, sq = 0;
        INDArray flat = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        java.nio.FloatBuffer v = flat.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        long n = x.length();
        for (long i = 0; i < n; i++) {
            double f = v.get((int) i);
            sum += f;
            sq += f * f;
        }
        double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        Dataset norm = mnist.with("x", x.sub(mean).divi(std));
        double[] u = new NumpyRandom(0xC1CAFA52L).rand(mnist.size());
        return new PermutedMnist(norm.where("permuted MNIST train", i -> u[i] > 0.2),
                norm.where("permuted MNIST valid", i -> !(u[i] > 0.2)), mean, std);
    }

    /** The pixel order of a task: identity for 0, {@code RandomState(task).permutation(784)} otherwise. */
    public static int[] permutation(int task) {
        if (task < 0) throw new IllegalArgumentException("task must be >= 0, got " + task);
        if (task == 0) return java.util.stream.IntStream.range(0, 784).toArray();
        return new NumpyRandom(task).permutation(784);
    }

    public Dataset train(int task) {
        return permuted(train, task);
    }

    public Dataset valid(int task) {
        return permuted(valid, task);
    }

    /** Mean and std of the pixels (0–1 scale) used to normalize. */
    public double[] stats() {
        return new double[]{mean, std};
    }

    private static Dataset permuted(Dataset d, int task) {
        int[] p = permutation(task);
        return d.with("x", d.column("x").getColumns(p)).named(d.name() + " task " + task);
    }
}
