/**
 * Data and tasks, the first step of the pipeline: a {@link org.modmask.data.Dataset} is a set of named 2-D arrays (one row per example) that batches are drawn from, {@link org.modmask.data.BatchSampler} draws seeded batches with replacement as the paper does, and task generators such as {@link org.modmask.data.TwoOps} build the examples. Loaders read a data directory ({@code MODMASK_DATA}).
 */
package org.modmask.data;
