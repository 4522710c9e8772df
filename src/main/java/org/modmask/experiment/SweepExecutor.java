package org.modmask.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a sweep's runs somewhere: {@link LocalExecutor} on this machine (the default), {@code SparkExecutor} as Spark
 * tasks. Each run goes through {@link SweepResults#execute}, so a finished run is skipped and a stopped one resumes,
 * whichever executor takes it.
 */
public interface SweepExecutor {
    /** Runs every run that has not finished; throws when some still fail after the executor's retries. */
    void execute(List<SweepRun> runs, Path root) throws Exception;
}
