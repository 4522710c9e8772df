package org.modmask.experiment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Preset;
import org.modmask.cluster.ModularitySweep;
import org.modmask.data.*;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.*;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The paper preset, proven: every notebook's paper-size models are built from its {@link Paper} record and run a few
 * steps of every stage (base training, a mask with the paper's K and batch, evaluation with and without the mask),
 * with the paper's batch sizes, so that a paper run cannot fail on a shape, an op or memory after hours. Hours of CPU
 * are not needed for that, but minutes are, so the default suite leaves it out (pom.xml) and it runs when named:
 * {@code mvn test -Dtest=PaperPresetTest} (with {@code MODMASK_DATA} set; {@code -Dtest=PaperPresetTest#mathematics}
 * for one experiment). It prints a table of step times per model.
 */
class PaperPresetTest {
    static final int STEPS = 2;
    static final Table report = Table.create("paper preset: a few steps of every stage", StringColumn.create("model"),
            LongColumn.create("parameters"), DoubleColumn.create("base s/step"), DoubleColumn.create("mask s/step"),
            DoubleColumn.create("eval s"), DoubleColumn.create("accuracy %"), DoubleColumn.create("masked %"));

    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @AfterAll
    static void print() {
        System.out.println(report.printAll());
    }

    /** Base, mask and evaluation stages of one model; the mask is evaluated applied to the network. */
    static void stages(String name, Model model, Dataset train, UnaryOperator<Train> base, UnaryOperator<Masks> masks, Dataset eval) {
        long t0 = System.nanoTime();
        base.apply(Train.of(model)).steps(STEPS).run(train);
        long t1 = System.nanoTime();
        WeightMask w = masks.apply(Masks.of(model)).steps(STEPS).train(train);
        long t2 = System.nanoTime();
        double plain = Eval.accuracy(model, eval), masked;
        try (var applied = w.apply(model)) {
            masked = Eval.accuracy(model, eval);
        }
        long t3 = System.nanoTime();
        assertTrue(Double.isFinite(plain) && Double.isFinite(masked), name + ": accuracies " + plain + ", " + masked);
        long params = model.parameters().stream().mapToLong(p -> java.util.Arrays.stream(p.shape()).reduce(1, (a, b) -> a * b)).sum();
        report.stringColumn("model").append(name);
        report.longColumn("parameters").append(params);
        report.doubleColumn("base s/step").append(round((t1 - t0) / 1e9 / STEPS));
        report.doubleColumn("mask s/step").append(round((t2 - t1) / 1e9 / STEPS));
        report.doubleColumn("eval s").append(round((t3 - t2) / 1e9));
        report.doubleColumn("accuracy %").append(round(100 * plain));
        report.doubleColumn("masked %").append(round(100 * masked));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Test
    void quickstart() {
        var s = Paper.quickstart();
        stages("00 one-digit FNN " + Sheet.format(s.hidden()), Mlp.classifier(22, s.hidden(), 10, 1), TwoOps.all(), s::base, s::masks, TwoOps.all());
    }

    @Test
    void addMul() {
        var s = Paper.addMul();
        var task = s.task();
        Dataset eval = task.valid().spread(1_000);
        stages("01 FNN " + Sheet.format(s.fnnHidden()), Mlp.classifier(AddMul.INPUTS, s.fnnHidden(), 2, 10, 1), task.train(), s::fnnTraining, s::masks, eval);
        stages("01 LSTM 2×" + s.lstmWidth(), LstmClassifier.of(AddMul.INPUTS, s.lstmWidth(), 2, 3, 2, 10, 1), task.train(), s::lstmTraining, s::masks, eval);
    }

    @Test
    void doubleAdd() {
        var s = Paper.doubleAdd();
        var task = s.task();
        Dataset eval = task.valid().spread(1_000);
        stages("02 pairwise FNN " + Sheet.format(s.fnnHidden()), PairwiseMlp.of(2, DoubleAdd.PAIR_INPUTS, s.fnnHidden(), 2, 10, 1), task.train(),
                s::fnnTraining, s::fnnMasks, eval);
        stages("02 LSTM 2×" + s.lstmWidth(), LstmClassifier.of(DoubleAdd.INPUTS, s.lstmWidth(), 2, 6, 4, 10, 1), task.train(), s::lstmTraining,
                s::lstmMasks, eval);
    }

    @Test
    void widthBeta() {
        var s = Paper.widthBeta();
        var task = s.task();
        int[] widest = s.widths().get(s.widths().size() - 1);
        stages("03 widest FNN " + Sheet.format(widest), Mlp.classifier(AddMul.INPUTS, widest, 2, 10, 1), task.train(), s::training,
                m -> { s.masks(s.betaSteps(1e-5), 1e-5).accept(m); return m; }, task.valid().spread(1_000));
    }

    @Test
    void clustering() {
        var s = Paper.clustering();
        // the sweep as the paper preset configures it (probe, clustering steps, schedule), over one value per regularizer
        var swept = s.sweep(ModularitySweep.of(Mnist.train(), Mnist.test())).steps(STEPS).dropout(s.dropout()[0]).l1(s.l1()[0])
                .l2(s.l2()[0]).seeds(1).untrained(1).run();
        assertTrue(swept.table().rowCount() > 0);
        for (var arch : java.util.List.of(s.wideSweep(ModularitySweep.of(Mnist.train(), Mnist.test())), s.deepSweep(ModularitySweep.of(Mnist.train(), Mnist.test()))))
            assertTrue(arch.steps(STEPS).dropout(s.archDropout()[0]).l1().l2().seeds(1).untrained(1).run().table().rowCount() > 0);
        var task = AddMul.generate();
        stages("04 masks vs clusters FNN 128-128-64", Mlp.classifier(AddMul.INPUTS, new int[]{128, 128, 64}, 2, 10, 1), task.train(),
                s::maskBase, s::masks, task.valid().spread(1_000));
    }

    @Test
    void classRemoval() {
        var s = Paper.classRemoval();
        var cifar = Cifar10.load();
        Dataset eval = cifar.valid().spread(500);
        stages("05 simple CNN " + Sheet.format(s.widths()), SimpleCnn.cifar(true, s.widths(), 1), cifar.train(), s::cnnTraining,
                s::cnnMasks, eval);
        var all = cifar.renormalized(cifar.trainAll(), Cifar10.RESNET_MEAN, Cifar10.RESNET_STD);
        stages("05 ResNet-" + (6 * s.resnetBlocks() + 2), ResNet.cifar(s.resnetBlocks(), 10, 1), all, s::resnetTraining, s::resnetMasks,
                cifar.renormalized(cifar.test(), Cifar10.RESNET_MEAN, Cifar10.RESNET_STD).spread(256));
    }

    @Test
    void permutedMnist() {
        var s = Paper.permutedMnist();
        var tasks = PermutedMnist.load();
        var out = Transfer.of(Mlp.classifier(784, s.hidden(), 10, 1)).tasks(2).newInit(0)
                .configure(j -> s.joint(j).steps(STEPS)).run(tasks::train, tasks::valid);
        assertEquals(2, out.masks().size());
        report.stringColumn("model").append("06 transfer FNN " + Sheet.format(s.hidden()) + ", 2 tasks, K " + s.samples());
        report.longColumn("parameters").appendMissing();
        for (String c : new String[]{"base s/step", "mask s/step", "eval s", "accuracy %", "masked %"}) report.doubleColumn(c).appendMissing();
    }

    @Test
    void scanTransformer() {
        var s = Paper.scanTransformer();
        var scan = Scan.load();
        stages("07 SCAN Transformer", Transformer.of(s.model(), 1), scan.train(Scan.Split.SIMPLE).bucketed("tgt_mask", 8), s::training, s::masks,
                scan.test(Scan.Split.SIMPLE).spread(256));
    }

    @Test
    void mathematics() {
        var s = Paper.mathematics();
        var module = DmMath.Module.LINEAR_1D;                 // the largest batch of the five (512; masks 400)
        var math = DmMath.load(module);
        stages("08 Mathematics Transformer (" + module.label() + ")", Transformer.of(s.config(math.eos() + 1), 1),
                math.trainSet().bucketed("src_mask", 8), t -> { s.training(module).accept(t); return t; },
                m -> { s.masks(module).accept(m); return m; }, math.testSet(DmMath.Difficulty.HARD).spread(256));
    }

    @Test
    void scanLstm() {
        var s = Paper.scanLstm();
        var scan = Scan.load();
        var c = s.model();
        stages("09 SCAN LSTM", LstmSeq2Seq.of(c, 1), scan.train(Scan.Split.SIMPLE, c.srcLen(), c.tgtLen()), s::training, s::masks,
                scan.test(Scan.Split.SIMPLE, c.srcLen(), c.tgtLen()).spread(256));
    }

    @Test
    void thePresetIsPaper() {
        assertEquals(Preset.PAPER, Paper.addMul().preset());
    }
}
