package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Cross-entropy built from log-softmax (SameDiff's sparse softmax cross-entropy has a broken backward pass
 * in M2.1, see stack notes).
 */
public final class Losses {
    private Losses() {
    }

    /**
     * {@code x − log Σ exp x} along a dimension, stabilized by the max, whose gradient cancels (SameDiff's logSoftmax with a dimension
     * fails in its backward pass in M2.1).
     */
    public static SDVariable logSoftmax(SameDiff sd, SDVariable x, int dim) {
        SDVariable shifted = x.sub(x.max(true, dim));
        return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, dim)));
    }

    /**
     * Softmax along a dimension. SameDiff's own op (its gradient passes a finite-difference check on rank 4, unlike
     * logSoftmax's): one op and one backward op instead of five each, whose broadcast backward passes cost most of
     * a Transformer step. Give a non-negative dimension (dimension -1 misbehaves on rank 4 in M2.1).
     */
    public static SDVariable softmax(SameDiff sd, SDVariable x, int dim) {
        if (dim < 0) throw new IllegalArgumentException("give a non-negative dimension, got " + dim);
        return sd.nn().softmax(x, dim);
    }

    /**
     * Mean cross-entropy over all {@code groups} softmax outputs of all samples.
     *
     * @param logits [B, groups·classes]
     * @param oneHot [B, groups·classes]
     */
    public static SDVariable groupedCrossEntropy(SameDiff sd, SDVariable logits, SDVariable oneHot, int groups, int classes) {
        SDVariable l = logits.reshape(-1, groups, classes);
        SDVariable y = oneHot.reshape(-1, groups, classes);
        SDVariable logp = logSoftmax(sd, l, 2);
        SDVariable perGroup = logp.mul(y).sum(2).neg();          // [B, groups]
        return perGroup.mean();
    }
}
