package org.modmask.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Padded sequences are cut to a batch's longest one; length buckets keep batches short and sampling uniform. */
class SequenceBatchingTest {
    static final Scan SCAN = Scan.load();

    @Test
    void batchesOfShortSequencesCarryNoExtraPadding() {
        Dataset d = SCAN.train(Scan.Split.SIMPLE);
        int[] len = d.column("tgt_mask").sum(1).toIntVector();
        int[] shortOnes = java.util.stream.IntStream.range(0, d.size()).filter(i -> len[i] <= 4).limit(16).toArray();
        assertEquals(16, shortOnes.length);
        Map<String, INDArray> b = d.rows(shortOnes);
        int longest = java.util.Arrays.stream(shortOnes).map(i -> len[i]).max().getAsInt();
        int cut = (longest + 7) / 8 * 8;
        assertEquals(cut, b.get("tgt_out").size(1), "targets are cut after the longest target + EOS, rounded up to 8");
        assertEquals(cut, b.get("tgt_in").size(1));
        assertEquals(b.get("tgt_mask").size(1), b.get("tgt_out").size(1));
        assertTrue(b.get("src").size(1) < d.column("src").size(1) || d.column("src").size(1) == 10);
        // the kept positions are the original ones
        for (int r = 0; r < shortOnes.length; r++)
            assertEquals(d.column("tgt_out").get(NDArrayIndex.point(shortOnes[r]), NDArrayIndex.interval(0, cut)),
                    b.get("tgt_out").getRow(r));
        // a fixed-length dataset (an unrolled LSTM) is never cut
        Dataset fixed = SCAN.train(Scan.Split.SIMPLE, 10, 49);
        assertEquals(49, fixed.rows(shortOnes).get("tgt_out").size(1));
    }

    @Test
    void bucketedBatchesComeFromOneLengthRangeAndEveryExampleIsDrawn() {
        Dataset d = SCAN.train(Scan.Split.LENGTH).bucketed("tgt_mask", 6);
        int[] len = d.column("tgt_mask").sum(1).toIntVector();
        BatchSampler s = d.sampler(32, 5);
        int maxSpread = 0;
        long[] drawsByLength = new long[60];
        for (int t = 0; t < 3000; t++) {
            int[] idx = s.batch(t);
            int lo = Integer.MAX_VALUE, hi = 0;
            for (int i : idx) {
                lo = Math.min(lo, len[i]);
                hi = Math.max(hi, len[i]);
                drawsByLength[len[i]]++;
            }
            maxSpread = Math.max(maxSpread, hi - lo);
            assertArrayEquals(idx, s.batch(t), "batch t depends only on (seed, t)");
        }
        int overall = java.util.Arrays.stream(len).max().getAsInt() - java.util.Arrays.stream(len).min().getAsInt();
        assertTrue(maxSpread < overall / 2, "a batch spans lengths " + maxSpread + " apart, the data " + overall);
        // the share of draws per length matches the share of examples per length
        long[] count = new long[60];
        for (int l : len) count[l]++;
        for (int l = 0; l < 60; l++)
            if (count[l] > d.size() / 20)
                assertEquals((double) count[l] / d.size(), drawsByLength[l] / (3000.0 * 32), 0.03, "share of length " + l);
    }

    @Test
    void badBucketCountIsRefused() {
        Dataset d = SCAN.train(Scan.Split.SIMPLE);
        var e = assertThrows(IllegalArgumentException.class, () -> d.bucketed("tgt_mask", 0));
        assertTrue(e.getMessage().contains("0"));
        assertThrows(IllegalArgumentException.class, () -> d.sequences("no_such_mask", "src"));
    }
}
