package org.modmask.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The paper's double-addition task (spec §3.2): two pairs {@code (a₁,b₁), (a₂,b₂)} uniform in [0, 100) and the
 * targets {@code (a₁+b₁) mod 100}, {@code (a₂+b₂) mod 100}, two digits each, least significant first. Inputs
 * one-hot [2 pairs × 2 numbers × 2 digits × 10] (80), outputs [2 pairs × 2 digits × 10] (40). Seeds as in
 * {@link AddMul}.
 * <p>{@link #pair(Dataset, int)} gives the view a "Pair k" mask trains on: the other pair's inputs zeroed and
 * its labels zero (so it adds no loss).
 */
public final class DoubleAdd {
    public static final int INPUTS = 80, OUTPUTS = 40, PAIR_INPUTS = 40, PAIR_OUTPUTS = 20;
    private final Dataset train, valid;

    private DoubleAdd(int trainSize, int validSize) {
        train = draw("train", trainSize, AddMul.TRAIN_SEED);
        valid = draw("iid", validSize, AddMul.VALID_SEED);
    }

    public static DoubleAdd generate() {
        return new DoubleAdd(1_000_000, 10_000);
    }

    public static DoubleAdd generate(int trainSize, int validSize) {
        if (trainSize <= 0 || validSize <= 0)
            throw new IllegalArgumentException("sizes must be > 0, got train " + trainSize + ", validation " + validSize);
        return new DoubleAdd(trainSize, validSize);
    }

    public Dataset train() {
        return train;
    }

    public Dataset valid() {
        return valid;
    }

    /** The "Pair k" view (k = 1 or 2): the other pair's inputs zeroed, its labels zero. */
    public static Dataset pair(Dataset d, int k) {
        if (k != 1 && k != 2) throw new IllegalArgumentException("pair must be 1 or 2, got " + k);
        INDArray x = d.column("x").dup(), y = d.column("y").dup();
        int other = 2 - k;   // 0-based index of the other pair
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(other * PAIR_INPUTS, (other + 1) * PAIR_INPUTS)).assign(0);
        y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(other * PAIR_OUTPUTS, (other + 1) * PAIR_OUTPUTS)).assign(0);
        return d.with("x", x).with("y", y).named("Pair " + k);
    }

    private static Dataset draw(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * INPUTS], y = new float[n * OUTPUTS];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 2; p++) {
                int a = r.nextInt(100), b = r.nextInt(100), o = p * PAIR_INPUTS, base = i * INPUTS + o;
                x[base + a % 10] = 1;
                x[base + 10 + a / 10] = 1;
                x[base + 20 + b % 10] = 1;
                x[base + 30 + b / 10] = 1;
                int s = (a + b) % 100, yb = i * OUTPUTS + p * PAIR_OUTPUTS;
                y[yb + s % 10] = 1;
                y[yb + 10 + s / 10] = 1;
            }
        }
        return Dataset.of(name, "x", Nd4j.create(x, new long[]{n, INPUTS}, 'c'), "y", Nd4j.create(y, new long[]{n, OUTPUTS}, 'c'));
    }
}
