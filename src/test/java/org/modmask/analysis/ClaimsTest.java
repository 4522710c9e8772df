package org.modmask.analysis;

import org.junit.jupiter.api.Test;
import org.modmask.analysis.Claims.Claim;
import org.modmask.analysis.Claims.Expect;
import org.modmask.analysis.Claims.Verdict;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClaimsTest {
    private static Claims card(double baseAccuracy, double plusWithPlus, double timesWithPlus) {
        return Claims.of("test")
                .precondition("base trained", "lowest accuracy", baseAccuracy, Expect.atLeast(99).unit("%"))
                .claim(Claim.that("the + mask solves + only")
                        .check("+ with the + mask", plusWithPlus, Expect.atLeast(90).partlyAbove(50).unit("%"))
                        .check("× with the + mask", timesWithPlus, Expect.atMost(10).partlyBelow(50).unit("%")));
    }

    @Test
    void verdictFlipsWhenAValueCrossesItsThreshold() {
        assertEquals(Verdict.YES, card(100, 90, 10).verdict("the + mask solves + only"));      // thresholds are inclusive
        assertEquals(Verdict.PARTIAL, card(100, 89.9, 10).verdict("the + mask solves + only"));
        assertEquals(Verdict.PARTIAL, card(100, 95, 10.1).verdict("the + mask solves + only"));
        assertEquals(Verdict.NO, card(100, 49.9, 50.1).verdict("the + mask solves + only"));
        assertEquals(Verdict.PARTIAL, card(100, 50, 50).verdict("the + mask solves + only"));  // both only loosely
    }

    @Test
    void aFailedPreconditionMakesTheClaimNotTestable() {
        Claims c = card(98.9, 100, 0);
        assertEquals(Verdict.NOT_TESTABLE, c.verdict("the + mask solves + only"));
        Table t = c.table();
        assertEquals("no", t.stringColumn("holds").get(0));                      // the precondition's own row
        assertTrue(t.stringColumn("measured").get(1).contains("unmet: base trained"), t.print());
        assertEquals(Verdict.NOT_TESTABLE, card(Double.NaN, 100, 0).verdict("the + mask solves + only"));
    }

    @Test
    void aMissingValueIsNotTestable() {
        assertEquals(Verdict.NOT_TESTABLE, card(100, Double.NaN, 0).verdict("the + mask solves + only"));
    }

    @Test
    void claimsNeedOnlyThePreconditionsTheyName() {
        Claims c = Claims.of("two networks")
                .precondition("FNN trained", "accuracy", 100, Expect.atLeast(99))
                .precondition("LSTM trained", "accuracy", 54, Expect.atLeast(99))
                .claim(Claim.that("FNN claim").given("FNN trained").check("x", 1, Expect.atMost(2)))
                .claim(Claim.that("LSTM claim").given("LSTM trained").check("x", 1, Expect.atMost(2)))
                .claim(Claim.that("both").check("x", 1, Expect.atMost(2)));
        assertEquals(Verdict.YES, c.verdict("FNN claim"));
        assertEquals(Verdict.NOT_TESTABLE, c.verdict("LSTM claim"));
        assertEquals(Verdict.NOT_TESTABLE, c.verdict("both"));
        assertEquals(1L, c.counts().get(Verdict.YES));
        assertEquals(2L, c.counts().get(Verdict.NOT_TESTABLE));
        assertThrows(IllegalArgumentException.class, () -> c.claim(Claim.that("z").given("GPU").check("x", 1, Expect.atMost(2))));
    }

    @Test
    void rendersAsATableNamedClaimsAndAsText() {
        Claims c = card(100, 99.5678, 0.4321);
        Table t = c.table();
        assertEquals("claims", t.name());
        assertEquals(List.of("claim", "measured", "expected", "holds"), t.columnNames());
        assertEquals("+ with the + mask 99.6 %; × with the + mask 0.432 %", t.stringColumn("measured").get(1));
        assertEquals("≥ 90 %; ≤ 10 %", t.stringColumn("expected").get(1));
        String text = c.toString();
        assertTrue(text.contains("yes") && text.contains("the + mask solves + only") && text.contains("1 yes, 0 partial"), text);
    }

    @Test
    void numbersAreFormattedForReading() {
        assertEquals("23.7", Claims.format(23.704698350694446));
        assertEquals("0.296", Claims.format(0.29580198980829897));
        assertEquals("100", Claims.format(100.0));
        assertEquals("−4.6", Claims.format(-4.6));
        assertEquals("1.23e-05", Claims.format(1.234e-5));
        assertEquals("0", Claims.format(0));
    }

    @Test
    void looserThresholdsMustBeLooser() {
        assertThrows(IllegalArgumentException.class, () -> Expect.atLeast(90).partlyAbove(95));
        assertThrows(IllegalArgumentException.class, () -> Expect.atMost(10).partlyBelow(5));
        assertThrows(IllegalArgumentException.class, () -> Claims.of("x").claim(Claim.that("empty")));
    }
}
