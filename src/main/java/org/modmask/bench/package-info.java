/**
 * Benchmarks ({@code bench/run}): steps per second and peak memory of plain and mask training.
 */
package org.modmask.bench;
