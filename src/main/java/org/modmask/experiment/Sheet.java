package org.modmask.experiment;

import org.modmask.Preset;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.math.BigDecimal;
import java.util.*;

/**
 * The rows of a {@link Paper} settings record: for each setting the paper's value, the value this preset runs with,
 * and why the two differ. A record's factory asks the sheet for each value, so the table and the values the
 * experiment uses come from the same call and cannot drift apart.
 * <pre>{@code
 * var s = new Sheet("§3.1", preset);
 * long steps = s.pick("base steps", 200L, 10_000L, 20_000L, "10k reach 100 % on both operations (measured)");
 * s.table()    // setting | paper | quick preset | why it differs
 * }</pre>
 */
public final class Sheet {
    /** What a row says about a smoke-preset deviation: the smoke preset checks the code, not the finding. */
    public static final String SMOKE = "smoke preset: sized to check the code in seconds, not to show the finding";

    private record Row(String setting, String paper, String value, String why) {
    }

    private final String title;
    private final Preset preset;
    private final List<Row> rows = new ArrayList<>();

    public Sheet(String title, Preset preset) {
        this.title = Objects.requireNonNull(title);
        this.preset = Objects.requireNonNull(preset, "preset");
    }

    public Preset preset() {
        return preset;
    }

    /**
     * The value for this sheet's preset, recorded as a row. {@code why} says why the quick value differs from the
     * paper's; a quick value that differs with no reason given is refused, so every deviation is stated.
     */
    public <T> T pick(String setting, T smoke, T quick, T paper, String why) {
        boolean quickDiffers = !Objects.deepEquals(quick, paper);
        if (quickDiffers && (why == null || why.isBlank()))
            throw new IllegalArgumentException("setting '" + setting + "': the quick preset differs from the paper (" + format(quick)
                    + " vs " + format(paper) + ") with no reason given");
        T value = preset.pick(smoke, quick, paper);
        String reason = "";
        if (!Objects.deepEquals(value, paper))
            reason = preset == Preset.SMOKE && !(quickDiffers && Objects.deepEquals(smoke, quick)) ? SMOKE : why;
        rows.add(new Row(setting, format(paper), format(value), reason));
        return value;
    }

    /** A setting every preset takes from the paper. */
    public <T> T paper(String setting, T value) {
        rows.add(new Row(setting, format(value), format(value), ""));
        return value;
    }

    /**
     * A setting whose paper value depends on something else (e.g. the Mathematics module): {@code paperText} says where
     * it comes from, and the paper preset gets null, meaning "look it up there".
     */
    public <T> T paperElsewhere(String setting, T smoke, T quick, String paperText, String why) {
        if (why == null || why.isBlank())
            throw new IllegalArgumentException("setting '" + setting + "': the quick preset differs from the paper with no reason given");
        T value = preset == Preset.PAPER ? null : preset.pick(smoke, quick, null);
        rows.add(new Row(setting, paperText, value == null ? paperText : format(value), value == null ? "" : preset == Preset.SMOKE ? SMOKE : why));
        return value;
    }

    /** The settings as a table: setting, paper, the preset's value, and why it differs (empty where it does not). */
    public Table table() {
        StringColumn setting = StringColumn.create("setting"), paper = StringColumn.create("paper"),
                value = StringColumn.create(preset.name().toLowerCase(Locale.ROOT) + " preset"), why = StringColumn.create("why it differs");
        for (Row r : rows) {
            setting.append(r.setting);
            paper.append(r.paper);
            value.append(r.value);
            why.append(r.why);
        }
        return Table.create(title + ": settings (" + preset.name().toLowerCase(Locale.ROOT) + " preset; "
                + deviations() + " of " + rows.size() + " differ from the paper)", setting, paper, value, why);
    }

    /** How many settings differ from the paper in this preset. */
    public int deviations() {
        int n = 0;
        for (Row r : rows) if (!r.why.isEmpty()) n++;
        return n;
    }

    /**
     * A value for reading: integers with thousands separators (20,000), decimals exact and short (0.1, 1e-4,
     * 3.16e-5), hidden sizes joined by hyphens (400-400-200), long grids shortened (1e-5 … 1e-3, 25 values).
     */
    public static String format(Object v) {
        if (v == null) return "—";
        if (v instanceof Integer i && i == Integer.MAX_VALUE) return "all";
        if (v instanceof Integer || v instanceof Long) return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        if (v instanceof Double d) return decimal(d);
        if (v instanceof Float f) return decimal(f.doubleValue());
        if (v instanceof Boolean b) return b ? "yes" : "no";
        if (v instanceof int[] a) {
            StringJoiner j = new StringJoiner("-");
            for (int x : a) j.add(Integer.toString(x));
            return j.toString();
        }
        if (v instanceof int[][] a) {
            List<String> parts = new ArrayList<>();
            for (int[] x : a) parts.add(format(x));
            return shortened(parts);
        }
        if (v instanceof double[] a) {
            List<String> parts = new ArrayList<>();
            for (double x : a) parts.add(decimal(x));
            return shortened(parts);
        }
        if (v instanceof Object[] a) return format(Arrays.asList(a));
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            for (Object x : c) parts.add(format(x));
            return shortened(parts);
        }
        if (v instanceof Enum<?> e) return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (v instanceof Record r) return record(r);
        return v.toString();
    }

    /** A model's sizes as {@code d 64, heads 4, ...}: each component but vocabularies left at 0 (set later). */
    private static String record(Record r) {
        StringJoiner j = new StringJoiner(", ");
        for (var c : r.getClass().getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(r);
                if (x instanceof Integer i && i == 0 && c.getName().toLowerCase(Locale.ROOT).contains("vocab")) continue;
                j.add(c.getName() + " " + format(x));
            } catch (ReflectiveOperationException e) {
                return r.toString();
            }
        }
        return j.toString();
    }

    private static String shortened(List<String> parts) {
        if (parts.size() <= 6) return String.join(", ", parts);
        return parts.get(0) + ", " + parts.get(1) + " … " + parts.get(parts.size() - 1) + " (" + parts.size() + " values)";
    }

    /** 1e-4 rather than 1.0E-4 (powers of ten below 0.01), 0.1 rather than 0.1000, 3.16e-5 as written. */
    static String decimal(double d) {
        if (d == 0) return "0";
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
        if (Math.abs(d) >= 1e-2 && Math.abs(d) < 1e7) return b.toPlainString();
        int exp = b.precision() - b.scale() - 1;
        BigDecimal mantissa = b.movePointLeft(exp).stripTrailingZeros();
        return mantissa.toPlainString() + "e" + exp;
    }
}
