/**
 * Training: {@link org.modmask.train.Train} runs Adam ({@link org.modmask.train.Adam}, PyTorch's arithmetic) on seeded batches with global-norm clipping, reports progress ({@link org.modmask.train.Progress}: a bar in notebooks) and writes atomic {@link org.modmask.train.Checkpoint}s that resume bit for bit; {@link org.modmask.train.Eval} measures exact-match accuracy.
 */
package org.modmask.train;
