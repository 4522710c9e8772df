package org.modmask.kernel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Jupyter's kernel conformance suite (jupyter_kernel_test, from {@code ../shared/tools} or {@code MODMASK_TOOLS})
 * against the kernel installed into a temporary prefix, with samples for completion, inspection, is_complete,
 * history, the pager, display data and clear_output; plus a frontend typing into a cell
 * ({@code src/test/python/kernel_conformance.py}). Every test must run: a skipped one fails this test.
 */
class KernelConformanceTest {
    @Test
    void jupytersConformanceSuitePassesWithNothingSkipped(@TempDir Path tmp) throws Exception {
        Path root = NotebooksTest.ROOT;
        String tools = System.getenv().getOrDefault("MODMASK_TOOLS", root.resolve("../shared/tools").toString());
        Path suite = Path.of(tools, "jupyter_kernel_test-0.7.0");
        Assumptions.assumeTrue(Files.isDirectory(suite), "jupyter_kernel_test not found at " + suite + " (set MODMASK_TOOLS)");
        NotebooksTest.run(root, List.of("kernel/install", "--prefix", tmp.toString()), 5);
        String out = NotebooksTest.run(root, List.of("/usr/bin/python3", "-m", "unittest", "-v", "kernel_conformance"), 10,
                line -> line.endsWith(" ok") || line.contains("ERROR") || line.contains("FAIL") || line.contains("skipped"),
                "JUPYTER_PATH", tmp.resolve("share/jupyter").toString(),
                "PYTHONPATH", suite + java.io.File.pathSeparator + root.resolve("src/test/python"));
        assertTrue(out.contains("\nOK"), out);
        assertFalse(out.contains("skipped"), "a conformance test was skipped:\n" + out);
        assertTrue(out.contains("test_completion") && out.contains("test_history") && out.contains("test_inspect"), out);
    }
}
