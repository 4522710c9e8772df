package org.modmask.plot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Axis ticks of the static PNG charts: round steps, only the decimals they need. */
class TicksTest {
    @Test
    void stepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        assertEquals(20000, ChartPainter.niceStep(86618 / 5.0));
        assertEquals(20, ChartPainter.niceStep(100 / 5.0));
        assertEquals(0.25, ChartPainter.niceStep(0.23), 1e-12);
        assertEquals(0.01, ChartPainter.niceStep(0.0074), 1e-12);
    }

    @Test
    void labelsUseTheStepsDecimalsAndThousands() {
        assertEquals("0", ChartPainter.tick(0, 20000));
        assertEquals("80k", ChartPainter.tick(80000, 20000));
        assertEquals("0.4", ChartPainter.tick(0.4000000001, 0.2));
        assertEquals("0.75", ChartPainter.tick(0.75, 0.25));
        assertEquals("60", ChartPainter.tick(60, 20));
    }

    @Test
    void longLabelsWrapAtSeparatorsInsteadOfBeingCut() {
        assertEquals(java.util.List.of("layers.0.", "weight"), ChartPainter.wrap("layers.0.weight", 12));
        assertEquals(java.util.List.of("800-800-", "800-800"), ChartPainter.wrap("800-800-800-800", 10));
        assertEquals(java.util.List.of("short"), ChartPainter.wrap("short", 12));
        assertEquals(String.join("", ChartPainter.wrap("output_projection.weight", 10)).replace(" ", ""), "output_projection.weight",
                "nothing is lost");
    }

    @Test
    void logAxesTickAtPowersOfTenAndTwoAndFiveTimesThemOverShortSpans() {
        assertEquals(java.util.List.of(1e-5, 1e-4, 1e-3), ChartPainter.logTicks(-5, -3));
        assertEquals(java.util.List.of(1.0, 2.0, 5.0, 10.0), ChartPainter.logTicks(0, 1));
        assertEquals("0.001", ChartPainter.logTick(1e-3));
        assertEquals("20k", ChartPainter.logTick(2e4));
        assertEquals("1e-5", ChartPainter.logTick(1e-5));
        assertEquals("5×1e-6", ChartPainter.logTick(5e-6));
    }
}
