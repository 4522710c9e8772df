package org.modmask.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Changes a training batch before each step (e.g. random crops and flips), reproducibly from the step index;
 * {@code Train.augment} applies it.
 */
@FunctionalInterface
public interface Augment {
    Map<String, INDArray> apply(Map<String, INDArray> batch, long step);
}
