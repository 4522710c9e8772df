package org.modmask.plot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * plotly.js from its Maven WebJar (no network needed), embedded once per notebook session. It is loaded with
 * require.js's {@code define} hidden, so that it sets {@code window.Plotly} even in Jupyter's HTML templates.
 */
final class PlotlyJs {
    static final String VERSION = "2.35.3";
    private static volatile boolean embedded;
    private static String source;

    private PlotlyJs() {
    }

    /** The script tags the first chart of a session carries; empty afterwards. */
    static synchronized String onceScripts() {
        if (embedded) return "";
        embedded = true;
        return "<script>window.__modmaskDefine = window.define; window.define = undefined;</script>\n<script>"
                + source() + "</script>\n<script>window.define = window.__modmaskDefine;</script>\n";
    }

    /** Forgets that plotly.js was embedded (a new notebook session). */
    static synchronized void reset() {
        embedded = false;
    }

    private static synchronized String source() {
        if (source == null) {
            String path = "/META-INF/resources/webjars/plotly.js-dist/" + VERSION + "/plotly.js";
            try (InputStream in = PlotlyJs.class.getResourceAsStream(path)) {
                if (in == null) throw new IllegalStateException("plotly.js " + VERSION + " is not on the classpath (" + path + ")");
                source = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }
}
