package org.modmask.experiment;

import java.nio.file.Path;
import java.util.Map;

/**
 * One run of a {@link Sweep}: given its settings (as strings, from the grid) and a folder of its own, it trains what it
 * needs and returns its metrics. It checkpoints into {@code dir}, so that a killed run goes on where it stopped when it
 * is started again. Implementations need a public no-argument constructor: an executor on another machine creates the
 * task from its class name. A setting named {@code preset} (smoke, quick, paper) is the task's {@link org.modmask.Preset#current()}
 * while it runs.
 */
public interface SweepTask {
    Map<String, Double> run(Map<String, String> settings, Path dir) throws Exception;
}
