package org.modmask.data;

import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Source/target id sequences as the batch columns of the encoder-decoders ({@code nn.Transformer},
 * {@code nn.LstmSeq2Seq}): {@code src} (ids + EOS) and {@code src_mask}; {@code tgt_in} ({@code [SOS, y₁ … yₙ]}),
 * {@code tgt_out} ({@code [y₁ … yₙ, EOS]}) and {@code tgt_mask}, padded with 0 to the given lengths.
 */
final class SequencePairs {
    private SequencePairs() {
    }

    /** Padded to the longest source + EOS and target + EOS, with the padding declared so batches are cut after their longest. */
    static Dataset of(String name, List<int[]> src, List<int[]> tgt, int srcEos, int tgtSos, int tgtEos) {
        if (src.isEmpty()) throw new IllegalArgumentException("no examples for '" + name + "'");
        return of(name, src, tgt, srcEos, tgtSos, tgtEos, longest(src) + 1, longest(tgt) + 1)
                .sequences("src_mask", "src").sequences("tgt_mask", "tgt_in", "tgt_out");
    }

    /** Padded to fixed lengths, which must fit the longest source + EOS and target + EOS. */
    static Dataset of(String name, List<int[]> src, List<int[]> tgt, int srcEos, int tgtSos, int tgtEos, int ts, int tt) {
        if (src.isEmpty()) throw new IllegalArgumentException("no examples for '" + name + "'");
        if (src.size() != tgt.size())
            throw new IllegalArgumentException("'" + name + "' has " + src.size() + " sources but " + tgt.size() + " targets");
        int needS = longest(src) + 1, needT = longest(tgt) + 1;
        if (ts < needS || tt < needT)
            throw new IllegalArgumentException("'" + name + "' needs lengths of at least " + needS + " (source + EOS) and " + needT
                    + " (target + EOS); got " + ts + " and " + tt);
        int n = src.size();
        float[] s = new float[n * ts], sMask = new float[n * ts];
        float[] tin = new float[n * tt], tout = new float[n * tt], tMask = new float[n * tt];
        for (int i = 0; i < n; i++) {
            int[] x = src.get(i), y = tgt.get(i);
            for (int t = 0; t < x.length; t++) {
                s[i * ts + t] = x[t];
                sMask[i * ts + t] = 1;
            }
            s[i * ts + x.length] = srcEos;
            sMask[i * ts + x.length] = 1;
            tin[i * tt] = tgtSos;
            for (int t = 0; t < y.length; t++) {
                tout[i * tt + t] = y[t];
                if (t + 1 < tt) tin[i * tt + t + 1] = y[t];
                tMask[i * tt + t] = 1;
            }
            tout[i * tt + y.length] = tgtEos;
            tMask[i * tt + y.length] = 1;
        }
        return Dataset.of(name, "src", Nd4j.create(s, new long[]{n, ts}, 'c'), "src_mask", Nd4j.create(sMask, new long[]{n, ts}, 'c'),
                "tgt_in", Nd4j.create(tin, new long[]{n, tt}, 'c'), "tgt_out", Nd4j.create(tout, new long[]{n, tt}, 'c'),
                "tgt_mask", Nd4j.create(tMask, new long[]{n, tt}, 'c'));
    }

    private static int longest(List<int[]> seqs) {
        int m = 0;
        for (int[] s : seqs) m = Math.max(m, s.length);
        return m;
    }
}
