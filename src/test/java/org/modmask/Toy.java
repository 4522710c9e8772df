package org.modmask;

import org.modmask.data.Dataset;
import org.nd4j.linalg.factory.Nd4j;

/** Small tasks for tests: addition mod 10 of two one-hot digits (100 distinct inputs). */
public final class Toy {
    private Toy() {
    }

    public static Dataset addMod10() {
        float[][] x = new float[100][20];
        float[][] y = new float[100][10];
        for (int a = 0; a < 10; a++)
            for (int b = 0; b < 10; b++) {
                int i = a * 10 + b;
                x[i][a] = 1;
                x[i][10 + b] = 1;
                y[i][(a + b) % 10] = 1;
            }
        return Dataset.of("add mod 10", "x", Nd4j.create(x), "y", Nd4j.create(y));
    }
}
