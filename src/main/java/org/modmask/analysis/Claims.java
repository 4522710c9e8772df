package org.modmask.analysis;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;

/**
 * A notebook's scorecard: each claim of the paper it tests, the values it measured, the pattern the paper leads one to
 * expect (thresholds written once, next to the claim), and a verdict computed from the numbers: {@code yes},
 * {@code partial}, {@code no}, or {@code not testable} when a precondition (base network trained, masks converged)
 * fails or a value is missing. Nothing is typed by hand.
 * <pre>{@code
 * var claims = Claims.of("§3.1 addition / multiplication")
 *     .precondition("base network trained", "lowest accuracy", fnn.lowestAccuracy("unmasked"), Expect.atLeast(99).unit("%"))
 *     .precondition("masks converged", "most undecided", fnn.mostUndecided(), Expect.atMost(10).unit("%"))
 *     .claim(Claim.that("the + mask solves + but not ×")
 *         .check("+ with the + mask", fnn.accuracy("+", "+")[0], Expect.atLeast(90).partlyAbove(50).unit("%"))
 *         .check("× with the + mask", fnn.accuracy("+", "×")[0], Expect.atMost(10).partlyBelow(50).unit("%")));
 * claims.table()      // columns claim, measured, expected, holds
 * }</pre>
 * A claim depends on every precondition declared before it unless it names its own with {@link Claim#given}.
 */
public final class Claims {
    /** The verdicts, as they appear in the {@code holds} column. */
    public enum Verdict {
        YES("yes"), PARTIAL("partial"), NO("no"), NOT_TESTABLE("not testable");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * An expected pattern for one measured value: a threshold that must hold for {@code yes}, optionally a looser one
     * that earns {@code partial}, and the unit to print.
     */
    public record Expect(Double min, Double max, Double partMin, Double partMax, String unit) {
        public static Expect atLeast(double v) {
            return new Expect(v, null, null, null, "");
        }

        public static Expect atMost(double v) {
            return new Expect(null, v, null, null, "");
        }

        public static Expect between(double lo, double hi) {
            if (!(lo <= hi)) throw new IllegalArgumentException("between(" + lo + ", " + hi + "): the lower bound is above the upper");
            return new Expect(lo, hi, null, null, "");
        }

        /** Values at or above {@code v} that miss the strict threshold count as partial. */
        public Expect partlyAbove(double v) {
            if (min == null || v > min) throw new IllegalArgumentException("partlyAbove(" + v + ") must loosen an atLeast(...) threshold (" + min + ")");
            return new Expect(min, max, v, partMax, unit);
        }

        /** Values at or below {@code v} that miss the strict threshold count as partial. */
        public Expect partlyBelow(double v) {
            if (max == null || v < max) throw new IllegalArgumentException("partlyBelow(" + v + ") must loosen an atMost(...) threshold (" + max + ")");
            return new Expect(min, max, partMin, v, unit);
        }

        public Expect unit(String u) {
            return new Expect(min, max, partMin, partMax, Objects.requireNonNull(u));
        }

        /** 2 where the strict pattern holds, 1 where only the loose one does, 0 otherwise; -1 for a missing value. */
        int level(double v) {
            if (Double.isNaN(v)) return -1;
            boolean strict = (min == null || v >= min) && (max == null || v <= max);
            if (strict) return 2;
            boolean loose = (partMin != null || partMax != null)
                    && (min == null || v >= (partMin != null ? partMin : min))
                    && (max == null || v <= (partMax != null ? partMax : max));
            return loose ? 1 : 0;
        }

        @Override
        public String toString() {
            String u = unit.isEmpty() ? "" : " " + unit;
            if (min != null && max != null) return "in [" + format(min) + ", " + format(max) + "]" + u;
            return (min != null ? "≥ " + format(min) : "≤ " + format(max)) + u;
        }
    }

    /** One measured value against its expectation. */
    public record Check(String what, double value, Expect expect) {
        String measured() {
            return what + " " + format(value) + (expect.unit().isEmpty() ? "" : " " + expect.unit());
        }
    }

    /** A claim of the paper: a sentence and the checks that decide it. */
    public static final class Claim {
        private final String text;
        private final List<Check> checks = new ArrayList<>();
        private List<String> given;

        private Claim(String text) {
            this.text = text;
        }

        public static Claim that(String text) {
            return new Claim(text);
        }

        public Claim check(String what, double value, Expect expect) {
            checks.add(new Check(what, value, expect));
            return this;
        }

        /** The preconditions this claim needs (by name); by default every one declared before it. */
        public Claim given(String... preconditions) {
            given = List.of(preconditions);
            return this;
        }

        public String text() {
            return text;
        }

        public List<Check> checks() {
            return Collections.unmodifiableList(checks);
        }
    }

    private record Row(String claim, String measured, String expected, Verdict holds, boolean precondition) {
    }

    private final String title;
    private final LinkedHashMap<String, Check> preconditions = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    private Claims(String title) {
        this.title = title;
    }

    public static Claims of(String title) {
        return new Claims(title);
    }

    /** A precondition: if it fails, every claim that depends on it is {@code not testable}. */
    public Claims precondition(String name, String what, double value, Expect expect) {
        if (preconditions.containsKey(name)) throw new IllegalArgumentException("precondition '" + name + "' is declared twice");
        Check c = new Check(what, value, expect);
        preconditions.put(name, c);
        rows.add(new Row("precondition: " + name, c.measured(), expect.toString(), expect.level(value) == 2 ? Verdict.YES : Verdict.NO, true));
        return this;
    }

    public Claims claim(Claim c) {
        if (c.checks.isEmpty()) throw new IllegalArgumentException("claim '" + c.text + "' has no check");
        List<String> needs = c.given != null ? c.given : List.copyOf(preconditions.keySet());
        for (String n : needs)
            if (!preconditions.containsKey(n))
                throw new IllegalArgumentException("claim '" + c.text + "' needs precondition '" + n + "', which is not declared (declared: " + preconditions.keySet() + ")");
        List<String> failed = needs.stream().filter(n -> preconditions.get(n).expect().level(preconditions.get(n).value()) != 2).toList();
        Verdict v = failed.isEmpty() ? verdict(c.checks) : Verdict.NOT_TESTABLE;
        String measured = String.join("; ", c.checks.stream().map(Check::measured).toList());
        if (!failed.isEmpty()) measured += " (unmet: " + String.join(", ", failed) + ")";
        rows.add(new Row(c.text, measured, String.join("; ", c.checks.stream().map(k -> k.expect().toString()).toList()), v, false));
        return this;
    }

    /** yes when every check holds, no when none holds even loosely, partial between; not testable for a missing value. */
    static Verdict verdict(List<Check> checks) {
        int sum = 0;
        for (Check c : checks) {
            int l = c.expect().level(c.value());
            if (l < 0) return Verdict.NOT_TESTABLE;
            sum += l;
        }
        return sum == 2 * checks.size() ? Verdict.YES : sum == 0 ? Verdict.NO : Verdict.PARTIAL;
    }

    /** The verdict of the claim with this text. */
    public Verdict verdict(String claim) {
        return rows.stream().filter(r -> !r.precondition && r.claim.equals(claim)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no claim '" + claim + "'")).holds;
    }

    /** How many claims have each verdict. */
    public Map<Verdict, Long> counts() {
        EnumMap<Verdict, Long> m = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) m.put(v, rows.stream().filter(r -> !r.precondition && r.holds == v).count());
        return m;
    }

    /** The scorecard as a table named {@code claims}: columns claim, measured, expected, holds. */
    public Table table() {
        Table t = Table.create("claims", StringColumn.create("claim"), StringColumn.create("measured"),
                StringColumn.create("expected"), StringColumn.create("holds"));
        for (Row r : rows) {
            t.stringColumn("claim").append(r.claim);
            t.stringColumn("measured").append(r.measured);
            t.stringColumn("expected").append(r.expected);
            t.stringColumn("holds").append(r.holds.toString());
        }
        return t;
    }

    public String title() {
        return title;
    }

    /** A readable text form: one block per row, the verdict first. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("claims: ").append(title).append('\n');
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "  %-13s %s%n", r.holds, r.claim));
            s.append("                measured ").append(r.measured).append('\n');
            s.append("                expected ").append(r.expected).append('\n');
        }
        Map<Verdict, Long> n = counts();
        s.append(String.format(Locale.ROOT, "  %d yes, %d partial, %d no, %d not testable%n",
                n.get(Verdict.YES), n.get(Verdict.PARTIAL), n.get(Verdict.NO), n.get(Verdict.NOT_TESTABLE)));
        return s.toString();
    }

    /** A number for reading: three significant digits, no exponent for ordinary sizes. */
    public static String format(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "−∞";
        if (v == 0) return "0";
        double a = Math.abs(v);
        String s = a >= 1e-3 && a < 1e6
                ? java.math.BigDecimal.valueOf(Compare.round3(v)).stripTrailingZeros().toPlainString()
                : String.format(Locale.ROOT, "%.2e", v);
        return s.startsWith("-") ? "−" + s.substring(1) : s;
    }
}
