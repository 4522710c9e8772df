package org.modmask.train;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The progress line names what it counts: steps per second for training, minutes per run for a sweep. */
class ProgressTest {
    @Test
    void fastLoopsShowItemsPerSecondAndSlowOnesTimePerItem() {
        assertEquals("12.5 steps/s", Progress.rate(12.5, "step"));
        assertEquals("4.0 s per step", Progress.rate(0.25, "step"));
        assertEquals("2.5 min per run", Progress.rate(1 / 150.0, "run"));
        assertEquals("0 runs/s", Progress.rate(0, "run"));
    }

    @Test
    void theLineCarriesTheUnitAndTheTimeLeft() {
        String line = Progress.line("sweep tiny", 2, 6, Map.of(), 1 / 150.0, "run");
        assertEquals("sweep tiny: 2/6  2.5 min per run  ETA 10:00", line);
    }
}
