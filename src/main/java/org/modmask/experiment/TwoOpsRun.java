package org.modmask.experiment;

import org.modmask.data.TwoOps;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import org.modmask.train.Train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sweep task small enough for a test or a first try: an MLP on the one-digit + and × task of {@code 00-quickstart},
 * then a mask for +. Settings (all optional): {@code seed} (1), {@code hidden} (64), {@code steps} (1000),
 * {@code beta} (1e-3), {@code maskSteps} (1000). Metrics: the network's accuracy on each operation, and the mask's
 * kept and undecided shares and its accuracy on each operation. Checkpoints in the run's folder.
 */
public final class TwoOpsRun implements SweepTask {
    @Override
    public Map<String, Double> run(Map<String, String> s, Path dir) throws Exception {
        long seed = Long.parseLong(s.getOrDefault("seed", "1"));
        int hidden = Integer.parseInt(s.getOrDefault("hidden", "64"));
        Model m = Mlp.classifier(22, new int[]{hidden, hidden}, 10, seed);
        Train.of(m).steps(Long.parseLong(s.getOrDefault("steps", "1000"))).seed(seed).checkpoint(dir.resolve("base.ckpt")).run(TwoOps.all());
        m.training(false);
        var plus = TwoOps.only(TwoOps.Op.ADD);
        var times = TwoOps.only(TwoOps.Op.MUL);
        WeightMask w = Masks.of(m).beta(Double.parseDouble(s.getOrDefault("beta", "1e-3"))).lr(0.05).samples(1)
                .steps(Long.parseLong(s.getOrDefault("maskSteps", "1000"))).seed(seed).checkpoint(dir.resolve("plus.mask.state")).train(plus);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("base + %", 100 * Eval.accuracy(m, plus));
        out.put("base × %", 100 * Eval.accuracy(m, times));
        out.put("mask kept %", 100 * w.density());
        out.put("mask undecided %", 100 * w.undecided());
        out.put("mask on + %", 100 * w.accuracy(m, plus));
        out.put("mask on × %", 100 * w.accuracy(m, times));
        return out;
    }
}
