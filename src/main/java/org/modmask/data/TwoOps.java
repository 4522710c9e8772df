package org.modmask.data;

import org.nd4j.linalg.factory.Nd4j;

/**
 * A one-digit version of the paper's addition/multiplication task, small enough to train in seconds:
 * inputs are one-hot {@code a}, {@code b} ∈ [0,10) and a one-hot operation flag (22 inputs); the output is
 * {@code (a+b) mod 10} or {@code (a·b) mod 10} (10 classes). All 200 distinct inputs form the dataset.
 */
public final class TwoOps {
    public enum Op {ADD, MUL}

    private TwoOps() {
    }

    /** Every (a, b, op) once; column {@code op} holds 0 for ADD and 1 for MUL. */
    public static Dataset all() {
        float[][] x = new float[200][22], y = new float[200][10], op = new float[200][1];
        int i = 0;
        for (Op o : Op.values())
            for (int a = 0; a < 10; a++)
                for (int b = 0; b < 10; b++, i++) {
                    x[i][a] = 1;
                    x[i][10 + b] = 1;
                    x[i][20 + o.ordinal()] = 1;
                    y[i][o == Op.ADD ? (a + b) % 10 : (a * b) % 10] = 1;
                    op[i][0] = o.ordinal();
                }
        return Dataset.of("all", "x", Nd4j.create(x), "y", Nd4j.create(y), "op", Nd4j.create(op));
    }

    /** Only the examples of one operation, named "+" or "×". */
    public static Dataset only(Op o) {
        Dataset d = all();
        float[] ops = d.column("op").dup().data().asFloat();
        return d.where(o == Op.ADD ? "+" : "×", i -> ops[i] == o.ordinal());
    }
}
