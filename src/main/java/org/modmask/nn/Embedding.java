package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A lookup table {@code prefix.weight} [vocab, dim], N(0,1) as PyTorch initializes it. Implemented as
 * one-hot × matrix: the gather op's backward pass is wrong in SameDiff M2.1.
 */
public final class Embedding {
    private Embedding() {
    }

    /** @param ids token ids as floats, shape [B, T]; returns [B, T, dim] */
    public static SDVariable apply(Graph g, String prefix, SDVariable ids, int vocab, int dim) {
        SDVariable w = g.param(prefix + ".weight", g.init().normal(1.0, vocab, dim));
        return lookup(g, ids, w, vocab, dim);
    }

    /** Lookup of [B, T] ids in an existing [vocab, dim] table (e.g. tied embeddings); returns [B, T, dim]. */
    public static SDVariable lookup(Graph g, SDVariable ids, SDVariable table, int vocab, int dim) {
        SDVariable shape = g.sd().concat(0, ids.shape(), g.sd().constant(org.nd4j.linalg.factory.Nd4j.createFromArray((long) dim)));
        return rows(g, ids, table, vocab).reshape(shape);
    }

    /** Lookup of [B, T] ids as rows: [B·T, dim]. */
    public static SDVariable rows(Graph g, SDVariable ids, SDVariable table, int vocab) {
        SDVariable oneHot = g.sd().oneHot(ids.reshape(-1).castTo(DataType.INT32), vocab).castTo(g.dataType());   // [B·T, V]
        return g.sd().mmul(oneHot, table);
    }
}
