package org.modmask.kernel;

import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.modmask.analysis.Claims;
import org.modmask.plot.Chart;
import org.modmask.plot.Html;
import tech.tablesaw.api.Table;

/**
 * Rich display of modmask values: tables as HTML (long ones truncated with a count), charts as interactive
 * Plotly plus a static PNG in the same output. Registered by our kernel at start-up and by
 * {@link #registerWithRunningKernel()} under IJava/JJava.
 */
public final class Renderers {
    private Renderers() {
    }

    public static void register(Renderer r) {
        r.createRegistration(Table.class).preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((t, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Html.table(t, Html.MAX_ROWS));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> Html.tableText(t));
                });
        // image/png too: notebooks keep each figure as a PNG output (the HTML's fallback image covers viewers that pick HTML)
        r.createRegistration(Chart.class).preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG).supporting(MIMEType.TEXT_PLAIN)
                .register((c, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, c::html);
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, c::pngBase64);
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, c::toString);
                });
        r.createRegistration(Claims.class).preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((c, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Html.table(c.table(), Integer.MAX_VALUE));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, c::toString);
                });
        r.createRegistration(Html.class).preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((h, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, h::html);
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, h::text);
                });
    }

    /** Under IJava (after {@code %jars}/{@code %maven} of modmask): registers with the running kernel's renderer. */
    public static boolean registerWithRunningKernel() {
        var k = Display.getKernelInstance();
        if (k == null || k instanceof ModmaskKernel) return false;
        register(k.getRenderer());
        NotebookProgress.install();
        return true;
    }
}
