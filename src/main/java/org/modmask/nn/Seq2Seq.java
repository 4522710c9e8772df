package org.modmask.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/** Sequence-to-sequence helpers: batch layout, exact-match accuracy and greedy decoding. */
public final class Seq2Seq {
    private Seq2Seq() {
    }

    /** Counts samples whose every valid target position is predicted right, with teacher forcing. */
    public static Metric teacherForcedExactMatch() {
        return (logits, batch) -> {
            INDArray pred = logits.argMax(2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            INDArray target = batch.get("tgt_out"), mask = batch.get("tgt_mask");
            INDArray wrong = pred.neq(target).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).mul(mask).sum(1);
            return wrong.eq(0).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber().longValue();
        };
    }

    /**
     * Greedy decoding: starts from {@code sos}, feeds back the argmax for up to {@code maxLen} steps.
     * Returns [B, maxLen] token ids; positions after a sample's first {@code eos} are filled with {@code eos}.
     */
    public static INDArray greedy(Model model, Map<String, INDArray> batch, int maxLen, int sos, int eos) {
        long b = batch.get("src").size(0);
        INDArray out = Nd4j.valueArrayOf(new long[]{b, maxLen}, (float) eos);
        boolean[] done = new boolean[(int) b];
        INDArray prefix = Nd4j.valueArrayOf(new long[]{b, 1}, (float) sos);
        for (int t = 0; t < maxLen; t++) {
            Map<String, INDArray> in = new HashMap<>(batch);
            in.put("tgt_in", prefix);
            INDArray logits = model.logits(in);                                       // [B, t+1, V]
            INDArray next = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).argMax(1).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            boolean all = true;
            for (int i = 0; i < b; i++) {
                if (!done[i]) {
                    float v = next.getFloat(i);
                    out.putScalar(i, t, v);
                    if (v == eos) done[i] = true;
                }
                all &= done[i];
            }
            if (all) break;
            prefix = Nd4j.concat(1, prefix, next.reshape(b, 1));
        }
        return out;
    }

    /**
     * Sequence-level exact-match accuracy of greedy decoding, for models whose graph takes the target prefix (the
     * Transformer). Examples go in batches of similar target length, each decoded for its longest target + EOS
     * (a longer output would be wrong anyway), so short sequences stop early.
     */
    public static java.util.function.ToDoubleBiFunction<Model, org.modmask.data.Dataset> greedyAccuracy(int sos, int eos) {
        return (model, data) -> {
            int[] len = data.column("tgt_mask").sum(1).toIntVector();
            Integer[] order = new Integer[data.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> len[i]));
            long correct = 0;
            int batch = 256;
            for (int from = 0; from < order.length; from += batch) {
                int[] idx = new int[Math.min(batch, order.length - from)];
                for (int i = 0; i < idx.length; i++) idx[i] = order[from + i];
                Map<String, INDArray> b = data.rows(idx);
                int maxLen = 0;
                for (int i : idx) maxLen = Math.max(maxLen, len[i]);
                correct += exactMatches(greedy(model, b, maxLen, sos, eos), b);
            }
            return (double) correct / data.size();
        };
    }

    /**
     * The share of target characters (answer positions and the EOS) that the model predicts right with teacher
     * forcing: a finer measure than exact match while a small network gets few whole answers right. Batches of
     * similar target length, cut after their longest.
     */
    public static java.util.function.ToDoubleBiFunction<Model, org.modmask.data.Dataset> tokenAccuracy() {
        return (model, data) -> {
            long right = 0, total = 0;
            for (int from = 0; from < data.size(); from += 256) {
                int[] idx = new int[Math.min(256, data.size() - from)];
                for (int i = 0; i < idx.length; i++) idx[i] = from + i;
                Map<String, INDArray> b = data.rows(idx);
                INDArray pred = model.logits(b).argMax(2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
                INDArray mask = b.get("tgt_mask");
                right += pred.eq(b.get("tgt_out")).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).mul(mask).sumNumber().longValue();
                total += mask.sumNumber().longValue();
            }
            return (double) right / total;
        };
    }

    /** Exact match of greedy outputs against {@code tgt_out}/{@code tgt_mask} (whole sequence and its length). */
    public static long exactMatches(INDArray decoded, Map<String, INDArray> batch) {
        INDArray target = batch.get("tgt_out"), mask = batch.get("tgt_mask");
        long n = 0;
        for (int i = 0; i < target.size(0); i++) {
            boolean ok = true;
            int len = mask.getRow(i).sumNumber().intValue();
            for (int t = 0; t < len && ok; t++)
                ok = t < decoded.size(1) && decoded.getFloat(i, t) == target.getFloat(i, t);
            if (ok) n++;
        }
        return n;
    }
}
