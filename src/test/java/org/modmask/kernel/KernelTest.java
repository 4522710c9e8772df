package org.modmask.kernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The kernel's classpath, built as kernel/install and environment/setup build it (no -Pspark), carries no Spark and
     * no Scala, even when this test runs under -Pspark: sweeps on Spark leave the kernel's start-up as it was.
     */
    @Test
    void theKernelsClasspathHasNoSpark(@TempDir Path dir) throws Exception {
        String install = Files.readString(NotebooksTest.ROOT.resolve("kernel/install"));
        assertTrue(install.contains("dependency:build-classpath -Dmdep.includeScope=compile") && !install.contains("-Pspark"), "kernel/install's classpath");
        Path out = dir.resolve("classpath.txt");
        var p = new ProcessBuilder("mvn", "-q", "-B", "-o", "dependency:build-classpath", "-Dmdep.includeScope=compile",
                "-Dmdep.outputFile=" + out).directory(NotebooksTest.ROOT.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, log);
        String cp = Files.readString(out);
        assertTrue(cp.contains("tablesaw-core") && cp.contains("nd4j-api"), "the kernel's own jars are there");
        assertFalse(cp.contains("org/apache/spark") || cp.contains("scala-library"), "no Spark on the kernel's classpath");
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
        // a repository added by id, and used with from=
        k.eval("%mavenRepo central-again https://repo.maven.apache.org/maven2/\n%maven org.apache.commons:commons-lang3:3.12.0 from=central-again");
        assertEquals("true", text("org.apache.commons.lang3.StringUtils.isBlank(\"  \")"));
        Exception r = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%maven a:b:1 from=no-such-repo"));
        assertTrue(r.getMessage().contains("no-such-repo"), r.getMessage());
        assertEquals("cba", text("new org.apache.commons.text.StringEscapeUtils().getClass() != null ? new StringBuilder(\"abc\").reverse().toString() : \"\""));
        assertEquals("true", text("org.apache.commons.text.WordUtils.capitalize(\"a b\").equals(\"A B\")"));
        Exception e = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%maven org.modmask.nonexistent:nothing:9.9.9"));
        assertTrue(e.getMessage().contains("org.modmask.nonexistent:nothing:9.9.9"), e.getMessage());
        assertEquals("2", text("1 + 1"));
    }

    @Test
    void loadFromPomTakesAFileOrLooseDependencyElements(@TempDir Path dir) throws Exception {
        k.eval("""
                %%loadFromPOM
                <dependency>
                  <groupId>org.apache.commons</groupId><artifactId>commons-text</artifactId><version>1.10.0</version>
                </dependency>""");
        assertEquals("Ab", text("org.apache.commons.text.WordUtils.capitalize(\"ab\")"));
        Path pom = dir.resolve("pom.xml");
        Files.writeString(pom, """
                <project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>y</artifactId><version>1</version>
                <properties><cli.version>1.5.0</cli.version></properties>
                <dependencies>
                  <dependency><groupId>commons-cli</groupId><artifactId>commons-cli</artifactId><version>${cli.version}</version></dependency>
                  <dependency><groupId>org.example</groupId><artifactId>only-for-tests</artifactId><version>9</version><scope>test</scope></dependency>
                </dependencies></project>""");
        k.eval("%loadFromPOM " + pom);
        assertEquals("true", text("new org.apache.commons.cli.Options() != null"));
        Exception e = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("%loadFromPOM " + dir.resolve("missing.xml")));
        assertTrue(e.getMessage().contains("missing.xml"), e.getMessage());
    }

    @Test
    void completionSeesEarlierCellsAndSkipsMagicLines() throws Exception {
        k.eval("double maskLearningRate = 0.1;");
        k.eval("int unrelated = 2;");
        String code = "%time 1\nSystem.out.println(maskLearn";
        var c = k.complete(code, code.length());
        assertEquals(List.of("maskLearningRate"), c.getReplacements());
        assertEquals(code.length() - "maskLearn".length(), c.getSourceStart());
        k.eval("var net = Mlp.classifier(4, new int[]{3}, 2, 1);");
        String builder = "Masks.of(net).be";
        assertTrue(k.complete(builder, builder.length()).getReplacements().contains("beta("));
    }

    @Test
    void isCompleteTellsAFinishedStatementFromAnOpenOne() {
        assertEquals("complete", k.isComplete("int a = 1;\nMath.max(a, 2)"));
        assertEquals("complete", k.isComplete("notDefinedYet(3)"), "an unknown name is still complete code: running it explains");
        assertEquals("    ", k.isComplete("int f(int x) {"), "incomplete: the next line's indent");
        assertEquals("        ", k.isComplete("void g() {\n    for (int i = 0; i < 3; i++) {"));
        assertEquals("invalid", k.isComplete("import = 7q"));
        assertEquals("invalid", k.isComplete("String s = \"abc"));
        assertEquals("complete", k.isComplete("%%time\nint f(int x) {"), "a cell magic's body is the magic's");
    }

    @Test
    void inspectionShowsSignatureAndModmasksJavadoc() throws Exception {
        var d = k.inspect("Masks", 2, false);
        String text = String.valueOf(d.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN));
        assertTrue(text.startsWith("org.modmask.mask.Masks"), text);
        assertTrue(text.contains("Trains differentiable weight masks"), text);
        assertFalse(text.contains("{@code"), "Javadoc markup is rendered as text: " + text);
        var m = k.inspect("Math.max(1, 2)", 6, false);
        assertTrue(String.valueOf(m.getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)).contains("int Math.max(int a, int b)"));
        assertNull(k.inspect("noSuchThing", 3, false));
    }

    @Test
    void theImportFileForOtherKernelsMatchesTheStartUpImports() throws Exception {
        List<String> file = Files.readAllLines(NotebooksTest.ROOT.resolve("kernel/imports.jsh")).stream()
                .filter(l -> l.startsWith("import")).toList();
        List<String> expected = ModmaskKernel.STARTUP_IMPORTS.stream()
                .filter(l -> !l.contains("org.modmask.kernel.Display")).toList();   // IJava and JJava bring their own display()
        assertEquals(expected, file);
        assertEquals("3", text("%load " + NotebooksTest.ROOT.resolve("kernel/imports.jsh") + "\nList.of(1, 2, 3).size()"));
    }

    @Test
    void historySearchFollowsIPythonsGlobRules() {
        History h = new History();
        h.add(1, "1 + 2 + 3", "6");
        h.add(2, "List.of(1)", "[1]");
        h.add(3, "1 + 2 + 3", "6");
        var flags = java.util.EnumSet.noneOf(io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag.class);
        assertEquals(2, h.search("1?+ 2*", 10, flags).size());
        assertEquals(1, h.search("List", 10, flags).size(), "no wildcard: matched anywhere");
        assertEquals(1, h.search("1 + 2*", 10, java.util.EnumSet.of(io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag.UNIQUE)).size());
        assertEquals(List.of(2, 3), h.lookupTail(2, flags).stream().map(e -> e.getCellNumber()).toList());
        assertEquals(1, h.lookupRange(History.SESSION, 2, 3, flags).size(), "stop is exclusive");
        assertEquals("Masks", ModmaskKernel.pageQuery("Masks?"));
        assertEquals("Masks.of", ModmaskKernel.pageQuery("?Masks.of"));
        assertNull(ModmaskKernel.pageQuery("a ? b : c"));
    }

    @Test
    void systemExitIsRefusedAndAFloodOfOutputIsCut() throws Exception {
        Exception e = assertThrows(ModmaskKernel.CellException.class, () -> k.eval("int before = 1;\nSystem.exit(0);"));
        assertTrue(e.getMessage().contains("System.exit would end the kernel"), e.getMessage());
        assertThrows(ModmaskKernel.CellException.class, () -> k.eval("Runtime.getRuntime().halt(3);"));
        var buf = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals("20000", text("int n = 0;\nfor (int i = 0; i < 20_000; i++) { System.out.println(\"line \" + i); n++; }\nn"),
                    "the cell runs to its end");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("line 9999\n") && !out.contains("line 10000\n"), "10,000 lines, then no more");
        assertTrue(out.contains("output stopped after 10000 lines"), out.substring(Math.max(0, out.length() - 200)));
        assertEquals("2", text("1 + 1"), "the kernel is alive");
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
