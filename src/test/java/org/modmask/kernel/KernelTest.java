package org.modmask.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.*;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel's evaluation, magics, errors and interrupts, without a Jupyter connection. */
class KernelTest {
    static ModmaskKernel k;

    @BeforeAll
    static void start() {
        k = new ModmaskKernel();
    }

    @AfterAll
    static void stop() {
        k.onShutdown(false);
    }

    static String text(String code) throws Exception {
        var d = k.eval(code);
        return d == null ? null : String.valueOf(d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN));
    }

    @Test
    void expressionsStatementsAndTheResultObject() throws Exception {
        assertEquals("7", text("int x = 3;\nx + 4"));
        assertNull(k.eval("int y = 1;"), "a declaration shows nothing");
        assertNull(k.eval("Math.max(1, 2);"), "a trailing ';' hides the value");
        var d = k.eval("Table.create(\"t\", DoubleColumn.create(\"a\", new double[]{1, 2}))");
        assertTrue(String.valueOf(d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_HTML)).contains("<table"),
                "a Table renders as HTML");
        assertTrue(k.eval("Mlp.classifier(4, new int[]{3}, 2, 1)") != null, "modmask classes are imported at start-up");
        var chart = k.eval("Plot.bars(Table.create(\"t\", StringColumn.create(\"x\", new String[]{\"a\"}), DoubleColumn.create(\"y\", new double[]{1})), \"x\", \"y\")");
        String html = String.valueOf(chart.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_HTML));
        assertTrue(html.contains("src='data:image/png;base64,"), "a chart's HTML carries a PNG for viewers without JavaScript");
        assertNotNull(chart.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.IMAGE_PNG), "each figure is also a PNG output");
    }

    @Test
    void errorsAreReportedAndTheKernelSurvives() throws Exception {
        Exception e = assertThrows(Exception.class, () -> k.eval("throw new IllegalStateException(\"boom\")"));
        assertTrue(k.formatError(e).get(0).contains("IllegalStateException: boom"), k.formatError(e).toString());
        Exception c = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("int z = \"no\";"));
        assertTrue(c.getMessage().contains("compile error"), c.getMessage());
        Exception m = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%nosuchmagic"));
        assertTrue(m.getMessage().contains("%nosuchmagic"), m.getMessage());
        Exception j = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%jars /nonexistent/*.jar"));
        assertTrue(j.getMessage().contains("/nonexistent/*.jar"), j.getMessage());
        assertEquals("2", text("1 + 1"));
    }

    @Test
    void timeMagicAndLoad(@TempDir Path dir) throws Exception {
        assertEquals("3", text("%%time\n1 + 2"));
        Path f = dir.resolve("snippet.jsh");
        Files.writeString(f, "int loaded = 41;\nloaded + 1");
        assertEquals("42", text("%load " + f));
    }

    @Test
    void mavenMagicResolvesArtifactsAndNamesOnesThatDoNotExist() throws Exception {
        k.eval("%maven org.apache.commons:commons-text:1.10.0");
        assertEquals("cba", text("new org.apache.commons.text.StringEscapeUtils().getClass() != null ? new StringBuilder(\"abc\").reverse().toString() : \"\""));
        assertEquals("true", text("org.apache.commons.text.WordUtils.capitalize(\"a b\").equals(\"A B\")"));
        Exception e = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%maven org.modmask.nonexistent:nothing:9.9.9"));
        assertTrue(e.getMessage().contains("org.modmask.nonexistent:nothing:9.9.9"), e.getMessage());
        assertEquals("2", text("1 + 1"));
    }

    @Test
    void interruptStopsALongCell() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        Future<?> cell = ex.submit(() -> k.eval("long n = 0; while (true) { n++; }"));
        Thread.sleep(1500);
        k.interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> cell.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("interrupted"), e.getCause().toString());
        assertEquals("5", text("2 + 3"), "the kernel stays usable after an interrupt");
        ex.shutdown();
    }
}
