package org.modmask.train;

import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Evaluation loops: exact-match accuracy and mean loss over a whole dataset, in large batches. */
public final class Eval {
    private static final int BATCH = 1024;

    private Eval() {
    }

    /** Fraction of examples that are fully correct, in [0, 1]. */
    public static double accuracy(Model model, Dataset data) {
        long correct = 0;
        for (int i = 0; i < data.size(); i += BATCH) {
            Map<String, INDArray> b = data.slice(i, Math.min(data.size(), i + BATCH));
            correct += model.metric().correct(model.logits(b), b);
        }
        return (double) correct / data.size();
    }

    /** Accuracy as judged by another metric (e.g. one output group only). */
    public static double accuracy(Model model, Dataset data, org.modmask.nn.Metric metric) {
        long correct = 0;
        for (int i = 0; i < data.size(); i += BATCH) {
            Map<String, INDArray> b = data.slice(i, Math.min(data.size(), i + BATCH));
            correct += metric.correct(model.logits(b), b);
        }
        return (double) correct / data.size();
    }

    /** The loss averaged over all examples. */
    public static double loss(Model model, Dataset data) {
        double sum = 0;
        for (int i = 0; i < data.size(); i += BATCH) {
            int to = Math.min(data.size(), i + BATCH);
            sum += model.loss(data.slice(i, to)) * (to - i);
        }
        return sum / data.size();
    }
}
