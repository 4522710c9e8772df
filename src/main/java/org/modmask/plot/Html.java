package org.modmask.plot;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A piece of HTML with a plain-text fallback; notebooks render it as HTML. */
public record Html(String html, String text) {
    /** Rows a notebook shows of a long table (head and tail, with a count of the rest). */
    public static final int MAX_ROWS = 40;

    /** The plain-text form of a table for a notebook (numbers as {@link #format} writes them): all of it when short, else the first rows. */
    public static String tableText(Table t) {
        Table shown = Table.create(t.name());
        for (Column<?> c : t.columns()) {
            if (c instanceof DoubleColumn || c instanceof FloatColumn) {
                StringColumn f = StringColumn.create(c.name());
                for (int r = 0; r < c.size(); r++)
                    f.append(c.isMissing(r) ? "" : format(((Number) c.get(r)).doubleValue()));
                shown.addColumns(f);
            } else shown.addColumns(c.copy());
        }
        return shown.rowCount() <= MAX_ROWS ? shown.printAll() : shown.print(MAX_ROWS);
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }

    /** A table as HTML; beyond {@code maxRows} rows the head and tail are shown with a count of the rest. */
    public static String table(Table t, int maxRows) {
        StringBuilder s = new StringBuilder("<div><table class='dataframe'><caption style='text-align:left'><b>")
                .append(escape(t.name() == null ? "" : t.name())).append("</b> (").append(t.rowCount()).append(" rows)</caption><thead><tr>");
        for (Column<?> c : t.columns()) s.append("<th>").append(escape(c.name())).append("</th>");
        s.append("</tr></thead><tbody>");
        int n = t.rowCount();
        int head = n <= maxRows ? n : maxRows / 2, tail = n <= maxRows ? 0 : maxRows / 2;
        for (int r = 0; r < head; r++) row(s, t, r);
        if (tail > 0) {
            s.append("<tr><td colspan='").append(t.columnCount()).append("' style='text-align:center'>… ")
                    .append(n - head - tail).append(" more rows …</td></tr>");
            for (int r = n - tail; r < n; r++) row(s, t, r);
        }
        return s.append("</tbody></table></div>").toString();
    }

    private static void row(StringBuilder s, Table t, int r) {
        s.append("<tr>");
        for (Column<?> c : t.columns()) {
            Object v = c.get(r);
            String text = v instanceof Double d ? format(d) : v instanceof Float f ? format(f) : c.getString(r);
            s.append("<td>").append(escape(text)).append("</td>");
        }
        s.append("</tr>");
    }

    /**
     * A number for people: three significant digits (23.704698 → 23.7, 0.012345 → 0.0123), every integer digit from 100
     * on (13316.4 → 13316, so that counts stay exact), and powers of ten below 0.001 (3.2e-05).
     */
    public static String format(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "∞" : "−∞";
        double a = Math.abs(d);
        if (a >= 100 && a < 1e12) return String.format(java.util.Locale.ROOT, "%.0f", d);
        if (a == 0) return "0";
        if (a >= 1e-3 && a < 100)
            return java.math.BigDecimal.valueOf(org.modmask.analysis.Compare.round3(d)).stripTrailingZeros().toPlainString();
        return String.format(java.util.Locale.ROOT, "%.2e", d);
    }
}
