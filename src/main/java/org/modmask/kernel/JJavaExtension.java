package org.modmask.kernel;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.modmask.analysis.Claims;
import org.modmask.plot.Chart;
import org.modmask.plot.Html;
import tech.tablesaw.api.Table;

/**
 * Under JJava, {@code %maven}/{@code %jars} of modmask finds this extension through
 * {@code META-INF/services/org.dflib.jjava.jupyter.Extension} and registers the same rich display as our kernel.
 */
public final class JJavaExtension implements Extension {
    @Override
    public void install(BaseKernel kernel) {
        Renderer r = kernel.getRenderer();
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
                .register((c, ctx) -> {                     // every row: a verdict is never hidden
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Html.table(c.table(), Integer.MAX_VALUE));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, c::toString);
                });
        r.createRegistration(Html.class).preferring(MIMEType.TEXT_HTML).supporting(MIMEType.TEXT_PLAIN)
                .register((h, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, h::html);
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, h::text);
                });
    }
}
