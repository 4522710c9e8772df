package org.modmask.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Counts the samples of a batch a model got exactly right (all output digits / the whole sequence). */
@FunctionalInterface
public interface Metric {
    /**
     * @param logits the model's output for the batch
     * @param batch  the batch's named arrays (labels included)
     * @return how many samples are fully correct
     */
    long correct(INDArray logits, Map<String, INDArray> batch);

    /**
     * Classification into {@code groups} independent {@code classes}-way outputs (e.g. two decimal digits):
     * a sample counts as correct only when every group's argmax matches the one-hot label in {@code labelName}.
     */
    static Metric groupedArgmax(String labelName, int groups, int classes) {
        return (logits, batch) -> {
            INDArray y = batch.get(labelName);
            long b = logits.size(0);
            INDArray p = logits.reshape(b, groups, classes).argMax(2);
            INDArray t = y.reshape(b, groups, classes).argMax(2);
            INDArray allRight = p.eq(t).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).min(1);
            return allRight.sumNumber().longValue();
        };
    }

    /**
     * Like {@link #groupedArgmax} but judging only some of the groups (e.g. one pair of the double-addition
     * task): a sample counts when every listed group is right.
     */
    static Metric someGroups(String labelName, int groups, int classes, int... which) {
        return (logits, batch) -> {
            long b = logits.size(0);
            INDArray p = logits.reshape(b, groups, classes).argMax(2);
            INDArray t = batch.get(labelName).reshape(b, groups, classes).argMax(2);
            INDArray right = p.eq(t).castTo(org.nd4j.linalg.api.buffer.DataType.INT32);
            INDArray all = null;
            for (int g : which) {
                INDArray col = right.getColumn(g);
                all = all == null ? col.dup() : all.muli(col);
            }
            return all.sumNumber().longValue();
        };
    }
}
