package org.modmask.kernel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every bundled notebook runs top to bottom in the smoke preset through nbclient with our kernel (installed
 * into a temporary prefix), with no error output; the HTML export of the quick start shows a drawn Plotly chart
 * in headless Chromium. Skip with {@code -Dnotebooks.skip=true}.
 */
class NotebooksTest {
    static final Path ROOT = Path.of("").toAbsolutePath();

    static String run(Path dir, List<String> cmd, long minutes, String... env) throws IOException, InterruptedException {
        return run(dir, cmd, minutes, line -> false, env);
    }

    /** Runs a command; the lines that {@code echo} accepts are printed as they come (progress of a long run). */
    static String run(Path dir, List<String> cmd, long minutes, java.util.function.Predicate<String> echo, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                    if (echo.test(line)) System.out.println(line);
                }
            } catch (IOException ignored) {
                // the process was killed: what was read is kept
            }
        });
        reader.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            reader.join(5_000);
            fail(cmd + " did not finish in " + minutes + " minutes:\n" + out);
        }
        reader.join();
        assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
        return out.toString();
    }

    @Test
    void everyNotebookRunsInTheSmokePresetAndItsChartsDraw(@TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("notebooks.skip"), "notebooks.skip=true");
        run(ROOT, List.of("kernel/install", "--prefix", tmp.toString()), 5);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", ROOT.resolve("environment/run_notebook.py").toString(), "--preset", "smoke",
                "--html", tmp.resolve("html").toString(), "--timeout", "600"));
        try (var s = Files.list(ROOT.resolve("notebooks"))) {
            s.filter(p -> p.toString().endsWith(".ipynb")).sorted().forEach(p -> cmd.add(p.toString()));
        }
        assertTrue(cmd.size() > 8, "no notebooks found in notebooks/");
        // work on copies: the committed notebooks keep their quick-preset outputs
        Path copies = Files.createDirectories(tmp.resolve("nb"));
        for (int i = 8; i < cmd.size(); i++) {
            Path src = Path.of(cmd.get(i)), dst = copies.resolve(src.getFileName());
            Files.copy(src, dst);
            cmd.set(i, dst.toString());
        }
        // and the folders beside them that notebooks read (10's PyTorch export)
        try (var s = Files.list(ROOT.resolve("notebooks"))) {
            for (Path d : s.filter(Files::isDirectory).toList())
                try (var files = Files.walk(d)) {
                    for (Path f : files.toList()) {
                        Path to = copies.resolve(ROOT.resolve("notebooks").relativize(f).toString());
                        if (Files.isDirectory(f)) Files.createDirectories(to);
                        else Files.copy(f, to);
                    }
                }
        }
        run(copies, cmd, 40, line -> line.contains("preset"), "JUPYTER_PATH", tmp.resolve("share/jupyter").toString(),
                "MODMASK_RESULTS", tmp.resolve("results").toString());

        Path html = tmp.resolve("html/00-quickstart.html");
        String dom = run(tmp, List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--user-data-dir=" + tmp.resolve("chrome"),
                "--virtual-time-budget=20000", "--dump-dom", html.toUri().toString()), 3);
        assertTrue(dom.contains("class=\"main-svg\""), "no Plotly chart was drawn in the HTML export");
    }
}
