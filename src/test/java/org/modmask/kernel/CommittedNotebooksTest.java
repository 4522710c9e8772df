package org.modmask.kernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The committed notebooks stay light enough to open quickly, diff and show in online viewers. */
class CommittedNotebooksTest {
    static final long MAX_BYTES = 2L << 20;

    @Test
    void everyCommittedNotebookIsAtMostTwoMegabytes() throws Exception {
        List<Path> notebooks;
        try (var s = Files.list(Path.of("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in notebooks/");
        for (Path p : notebooks) {
            long size = Files.size(p);
            assertTrue(size <= MAX_BYTES, p + " is " + size / 1024 + " KiB (at most " + MAX_BYTES / 1024 + " KiB): is plotly.js embedded more than once, or a PNG stored twice?");
            String text = Files.readString(p);
            int embedded = text.split("window.__modmaskPlotly=1", -1).length - 1;
            assertTrue(embedded <= 1, p + " embeds plotly.js " + embedded + " times");
        }
    }
}
