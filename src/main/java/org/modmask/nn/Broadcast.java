package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Explicit broadcasting for products, as an outer product with a column of ones.
 * <p>Why: SameDiff 1.0.0-M2.1's backward pass of a broadcasting multiply ({@code multiply_bp}) first tiles the
 * smaller operand element by element. For the Transformer's LayerNorm ({@code z ⊙ γ} at [32·49, 100]) that was
 * most of the layer's time: 11–17 ms forward and backward, against 7–9 ms with {@code γ} expanded by one matrix
 * product, whose backward is a matrix product too (scratch timing, one thread). The results are the same.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * The vector {@code v} [n] repeated on every row: {@code 1 · vᵀ}, [rows, n], where {@code like} [rows, 1] gives the
     * number of rows (any values).
     */
    public static SDVariable rows(Graph g, SDVariable like, SDVariable v, int n) {
        return g.sd().onesLike(like).mmul(v.reshape(1, n));
    }
}
