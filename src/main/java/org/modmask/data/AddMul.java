package org.modmask.data;

import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The paper's addition/multiplication task (spec §3.1): operands {@code a, b} uniform in [0, 100), an operation
 * flag, and the target {@code (a+b) mod 100} or {@code (a·b) mod 100} as two decimal digits, least significant
 * first. Inputs are one-hot: 2 numbers × 2 digits × 10, then the operation (42); outputs 2 digits × 10 (20).
 * The training draws (1,000,000 by default) and the 10,000 validation draws use fixed seeds (the reference's
 * 0x12345678 and 0x12345678 + 2, with our own generator). Only 20,000 distinct inputs exist, so validation is
 * not held out: the task is a lookup table.
 * <pre>{@code
 * var task = AddMul.generate();
 * Dataset plus = task.train(AddMul.Op.ADD);
 * }</pre>
 */
public final class AddMul {
    public static final long TRAIN_SEED = 0x12345678L, VALID_SEED = 0x12345678L + 2;
    public static final int INPUTS = 42, OUTPUTS = 20;

    /** The two operations; {@link #symbol()} names the per-operation views. */
    public enum Op {
        ADD("+"), MUL("×");
        private final String symbol;

        Op(String s) {
            symbol = s;
        }

        public String symbol() {
            return symbol;
        }

        public int apply(int a, int b) {
            return this == ADD ? (a + b) % 100 : (a * b) % 100;
        }
    }

    private final Dataset train, valid;
    private final java.util.Map<String, Dataset> views = new java.util.concurrent.ConcurrentHashMap<>();

    private AddMul(int trainSize, int validSize) {
        this.train = draw("train", trainSize, TRAIN_SEED);
        this.valid = draw("iid", validSize, VALID_SEED);
    }

    /** The paper's sizes: 1,000,000 training and 10,000 validation draws. */
    public static AddMul generate() {
        return new AddMul(1_000_000, 10_000);
    }

    public static AddMul generate(int trainSize, int validSize) {
        if (trainSize <= 0 || validSize <= 0)
            throw new IllegalArgumentException("sizes must be > 0, got train " + trainSize + ", validation " + validSize);
        return new AddMul(trainSize, validSize);
    }

    /** All training draws (columns x, y, op, a, b). */
    public Dataset train() {
        return train;
    }

    /** The training draws of one operation, named by its symbol. */
    public Dataset train(Op op) {
        return views.computeIfAbsent("train" + op, k -> only(train, op));   // computed once: 1M rows are large
    }

    /** The validation draws ("iid"). */
    public Dataset valid() {
        return valid;
    }

    public Dataset valid(Op op) {
        return views.computeIfAbsent("valid" + op, k -> only(valid, op));
    }

    private static Dataset only(Dataset d, Op op) {
        float[] ops = d.column("op").dup().data().asFloat();
        return d.where(op.symbol(), i -> ops[i] == op.ordinal());
    }

    /** One-hot encoding of (a, b, op): digits least significant first. */
    public static void encode(int a, int b, Op op, float[] row, int offset) {
        row[offset + a % 10] = 1;
        row[offset + 10 + a / 10] = 1;
        row[offset + 20 + b % 10] = 1;
        row[offset + 30 + b / 10] = 1;
        row[offset + 40 + op.ordinal()] = 1;
    }

    private static Dataset draw(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * INPUTS], y = new float[n * OUTPUTS], op = new float[n], av = new float[n], bv = new float[n];
        float[] row = new float[INPUTS];
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(100), b = r.nextInt(100);
            Op o = r.nextBoolean() ? Op.MUL : Op.ADD;
            java.util.Arrays.fill(row, 0);
            encode(a, b, o, row, 0);
            System.arraycopy(row, 0, x, i * INPUTS, INPUTS);
            int res = o.apply(a, b);
            y[i * OUTPUTS + res % 10] = 1;
            y[i * OUTPUTS + 10 + res / 10] = 1;
            op[i] = o.ordinal();
            av[i] = a;
            bv[i] = b;
        }
        return Dataset.of(name, "x", Nd4j.create(x, new long[]{n, INPUTS}, 'c'), "y", Nd4j.create(y, new long[]{n, OUTPUTS}, 'c'),
                "op", Nd4j.create(op, new long[]{n, 1}, 'c'), "a", Nd4j.create(av, new long[]{n, 1}, 'c'),
                "b", Nd4j.create(bv, new long[]{n, 1}, 'c'));
    }
}
