package org.modmask.plot;

import org.junit.jupiter.api.Test;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A static chart's title stays inside the picture: beside wide row labels it moves left, and a long one wraps. */
class TitleTest {
    @Test
    void titleLinesFitTheirWidthAndKeepEveryWord() {
        var fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        String t = "no dropout: relative drop (%) of each class under each removal mask, with a few more words";
        List<String> lines = ChartPainter.titleLines(fm, t, 300);
        assertTrue(lines.size() > 1);
        for (String l : lines) assertTrue(fm.stringWidth(l) <= 300, l);
        assertEquals(t, String.join(" ", lines));
        assertEquals(List.of("short"), ChartPainter.titleLines(fm, "short", 300));
    }

    @Test
    void aLongHeatmapTitleBesideWideRowLabelsIsNotCutOff() {
        String[] rows = {"a rather long row label number one", "a rather long row label number two"};
        BufferedImage img = Plot.heatmap("layer 2: unit associations clustered by the spectral method (modularity 0.42)",
                new double[][]{{1, 2}, {3, 4}}, new String[]{"x", "y"}, rows).image();
        int w = img.getWidth(), darkest = -1, leftmost = w;
        for (int y = 0; y < 40; y++)                              // the title band
            for (int x = 0; x < w; x++)
                if ((img.getRGB(x, y) & 0xff) < 100) {
                    darkest = Math.max(darkest, x);
                    leftmost = Math.min(leftmost, x);
                }
        assertTrue(darkest >= 0, "no title drawn");
        assertTrue(darkest < w - 5, "title runs to the edge at x = " + darkest + " of " + w);
        assertTrue(leftmost < 40, "title did not move left of the row labels: starts at " + leftmost);
    }
}
