package org.modmask.plot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * plotly.js, embedded once per notebook session, gzipped and base64-encoded, so that a notebook stays light and its
 * charts still draw offline (in Jupyter and in nbconvert's HTML). The browser unpacks it with
 * {@code DecompressionStream} and runs it with require.js's {@code define} hidden, so that it sets
 * {@code window.Plotly} even in Jupyter's HTML templates.
 * <p>
 * Which plotly.js: the minified <em>cartesian</em> bundle (bar, scatter, heatmap: every trace {@link Plot} draws;
 * 1.4 MB, 0.45 MB gzipped), which {@code environment/setup} fetches with npm and the build packs into the jar; without
 * it, the full bundle from its Maven WebJar (10.8 MB, 2.4 MB gzipped).
 */
final class PlotlyJs {
    static final String VERSION = "2.35.3";
    static final String CARTESIAN = "/META-INF/modmask/plotly/plotly-cartesian.min.js";
    static final String FULL = "/META-INF/resources/webjars/plotly.js-dist/" + VERSION + "/plotly.js";
    private static volatile boolean embedded;
    private static String packed;

    private PlotlyJs() {
    }

    /** The script the first chart of a session carries; empty afterwards. */
    static synchronized String onceScripts() {
        if (embedded) return "";
        embedded = true;
        return loader(packed());
    }

    /** Forgets that plotly.js was embedded (a new notebook session). */
    static synchronized void reset() {
        embedded = false;
    }

    /** Which bundle is embedded: the classpath resource's path. */
    static String bundle() {
        return PlotlyJs.class.getResource(CARTESIAN) != null ? CARTESIAN : FULL;
    }

    /** A script that unpacks base64 gzip plotly.js and runs it once per page, with require.js's define hidden. */
    static String loader(String base64Gzip) {
        return "<script>(function(){if(window.Plotly||window.__modmaskPlotly)return;window.__modmaskPlotly=1;"
                + "if(!window.DecompressionStream)return;"      // very old browsers keep the static images
                + "var b=atob('" + base64Gzip + "'),u=new Uint8Array(b.length);for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);"
                + "new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function(src){"
                + "var s=document.createElement('script');"
                + "s.text='window.__modmaskDefine=window.define;window.define=undefined;\\n'+src+'\\nwindow.define=window.__modmaskDefine;';"
                + "document.head.appendChild(s);});})();</script>\n";
    }

    private static synchronized String packed() {
        if (packed == null) {
            String path = bundle();
            try (InputStream in = PlotlyJs.class.getResourceAsStream(path)) {
                if (in == null) throw new IllegalStateException("plotly.js " + VERSION + " is not on the classpath (" + path + ")");
                packed = Base64.getEncoder().encodeToString(gzip(in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return packed;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
