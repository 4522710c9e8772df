package org.modmask.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * An input the model computes for itself from each batch: dropout masks (random in training, ones in
 * evaluation), positional encodings, attention masks. Generated in Java rather than by SameDiff's random ops,
 * whose dropout ops throw in M2.1 and whose dynamic-shape random draws repeat; seeded, so runs are reproducible.
 */
@FunctionalInterface
public interface AuxInput {
    INDArray make(Map<String, INDArray> batch, boolean training, SplittableRandom rng);
}
