package org.modmask.experiment;

import org.junit.jupiter.api.Test;
import org.modmask.Preset;
import org.modmask.mask.Masks;
import org.modmask.nn.Mlp;
import org.modmask.train.Train;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PaperTest {
    static final List<Paper.Settings> ALL = List.of(Paper.quickstart(), Paper.addMul(), Paper.doubleAdd(), Paper.widthBeta(),
            Paper.clustering(), Paper.classRemoval(), Paper.permutedMnist(), Paper.scanTransformer(), Paper.mathematics(), Paper.scanLstm(),
            Paper.yourOwnModel());

    /** The paper preset is the paper: no row deviates, and each row's value is its paper value. */
    @Test
    void paperPresetDeviatesNowhere() {
        for (Paper.Settings s : ALL) {
            assertEquals(Preset.PAPER, s.preset());
            Table t = s.table();
            assertEquals(0, s.sheet().deviations(), t.print());
            for (int r = 0; r < t.rowCount(); r++) assertEquals(t.stringColumn(1).get(r), t.stringColumn(2).get(r), t.print());
        }
    }

    /** Every quick deviation says why; every smoke deviation says at least that smoke checks the code. */
    @Test
    void everyDeviationHasAReason() {
        for (Paper.Settings paper : ALL)
            for (Preset p : List.of(Preset.QUICK, Preset.SMOKE)) {
                Paper.Settings s = paper.scaled(p);
                assertEquals(p, s.preset());
                Table t = s.table();
                int differing = 0;
                for (int r = 0; r < t.rowCount(); r++) {
                    boolean differs = !t.stringColumn(1).get(r).equals(t.stringColumn(2).get(r));
                    if (differs) differing++;
                    assertEquals(differs, !t.stringColumn(3).get(r).isBlank(), t.name() + " row " + r + "\n" + t.print());
                }
                assertEquals(differing, s.sheet().deviations());
                assertTrue(t.name().contains(differing + " of " + t.rowCount() + " differ"), t.name());
                if (p == Preset.QUICK) assertTrue(differing > 0, t.name());
            }
    }

    @Test
    void aQuickDeviationWithoutAReasonIsRefused() {
        var s = new Sheet("t", Preset.QUICK);
        var e = assertThrows(IllegalArgumentException.class, () -> s.pick("steps", 1, 2, 3, " "));
        assertTrue(e.getMessage().contains("steps") && e.getMessage().contains("no reason"), e.getMessage());
        assertEquals(3, (int) s.pick("same", 1, 3, 3, ""), "no reason needed where quick is the paper's");
        assertEquals(1, (int) new Sheet("t", Preset.SMOKE).pick("steps", 1, 3, 3, ""));
    }

    @Test
    void smokeNamesItsOwnReasonUnlessItSharesQuicksValue() {
        var s = new Sheet("t", Preset.SMOKE);
        s.pick("K", 1, 1, 4, "one sample");
        s.pick("steps", 10, 100, 1000, "fewer steps");
        Table t = s.table();
        assertEquals("one sample", t.stringColumn(3).get(0));
        assertEquals(Sheet.SMOKE, t.stringColumn(3).get(1));
    }

    @Test
    void valuesAreFormattedForReading() {
        assertEquals("1e-4", Sheet.format(1e-4));
        assertEquals("3.16e-5", Sheet.format(3.16e-5));
        assertEquals("0.1", Sheet.format(0.1));
        assertEquals("0.05", Sheet.format(0.05));
        assertEquals("5", Sheet.format(5.0));
        assertEquals("20,000", Sheet.format(20_000L));
        assertEquals("all", Sheet.format(Integer.MAX_VALUE));
        assertEquals("400-400-200", Sheet.format(new int[]{400, 400, 200}));
        assertEquals("1e-5, 1e-4, 1e-3", Sheet.format(new double[]{1e-5, 1e-4, 1e-3}));
        assertEquals("1e-5, 1.5e-5 … 1e-3 (25 values)", Sheet.format(Paper.widthBeta().betas()));
        assertEquals("cat, automobile, airplane", Sheet.format(new String[]{"cat", "automobile", "airplane"}));
        assertEquals("yes", Sheet.format(true));
        assertEquals("faithful", Sheet.format(org.modmask.mask.Clipping.FAITHFUL));
        String model = Sheet.format(Paper.mathematics().model());
        assertTrue(model.startsWith("d 512, heads 8, encoderLayers 6"), model);
    }

    /** The record's configurers apply its values: the training and mask settings come out as the record says. */
    @Test
    void configurersApplyTheRecordsValues() {
        var s = Paper.addMul().scaled(Preset.QUICK);
        var model = Mlp.classifier(4, new int[]{3}, 2, 1);
        var t = s.fnnTraining(Train.of(model));
        assertEquals("10000", t.settings().get("steps"), t.settings().toString());
        var m = s.masks(Masks.of(model));
        var ms = m.settingsMap();
        assertEquals("4000", ms.get("steps"), ms.toString());
        assertEquals("1", ms.get("K"), ms.toString());
        assertEquals("0.1", ms.get("lr"), ms.toString());
        var math = Paper.mathematics();
        assertNull(math.maskSteps(), "paper: per module");
        var masks = Masks.of(model);
        math.masks(org.modmask.data.DmMath.Module.LINEAR_1D).accept(masks);
        assertEquals("50000", masks.settingsMap().get("steps"), masks.settingsMap().toString());
    }
}
