package org.modmask.experiment;

import org.modmask.Preset;
import org.modmask.data.AddMul;
import org.modmask.nn.LstmClassifier;
import org.modmask.nn.Mlp;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of {@code 01-addmul} as a sweep task: the base network, then the control, + and × masks (and their
 * complements), with the settings of {@code Paper.addMul()} in a preset. Settings: {@code preset} (smoke, quick or
 * paper; default MODMASK_PRESET), {@code network} (fnn or lstm; default fnn), {@code run} (0, 1, ...: the network's
 * seed is 1 + run, as run r of the notebook), optionally {@code beta}, and optionally {@code dir}: the notebook's
 * results folder ({@code Workspace.results("addmul")}), where the run then writes as the notebook would, so that the
 * notebook loads it instead of training it (without it, the run's own folder). Metrics: every mask's accuracy on + and ×, and
 * each mask's kept and undecided shares.
 * <pre>{"name": "paper-addmul", "task": "org.modmask.experiment.AddMulRun", "set": {"preset": "paper"},
 *  "grid": {"network": ["fnn", "lstm"], "run": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}}</pre>
 */
public final class AddMulRun implements SweepTask {
    @Override
    public Map<String, Double> run(Map<String, String> s, Path dir) throws Exception {
        Preset preset = Preset.current();             // the run's "preset" setting (SweepResults.execute), else MODMASK_PRESET
        var S = Paper.addMul().scaled(preset);
        var task = S.task();
        boolean fnn = switch (s.getOrDefault("network", "fnn")) {
            case "fnn" -> true;
            case "lstm" -> false;
            default -> throw new IllegalArgumentException("network is fnn or lstm, got " + s.get("network"));
        };
        int run = Integer.parseInt(s.getOrDefault("run", "0"));
        Protocol p = fnn
                ? Protocol.of("FNN", seed -> Mlp.classifier(AddMul.INPUTS, S.fnnHidden(), 2, 10, seed)).train(task.train(), S::fnnTraining)
                        .ioLayers("layers.0.weight", "layers." + S.fnnHidden().length + ".weight")
                : Protocol.of("LSTM", seed -> LstmClassifier.of(AddMul.INPUTS, S.lstmWidth(), 2, 3, 2, 10, seed)).train(task.train(), S::lstmTraining)
                        .ioLayers("lstm.0.weight_ih", "output_projection.weight");
        Result r = p.requireBase(0.99)
                .masks(m -> {
                    S.masks(m);
                    if (s.containsKey("beta")) m.beta(Double.parseDouble(s.get("beta")));
                })
                .stage("control", task.train()).stage("+", task.train(AddMul.Op.ADD)).stage("×", task.train(AddMul.Op.MUL))
                .view("+", task.valid(AddMul.Op.ADD)).view("×", task.valid(AddMul.Op.MUL))
                .onlyRun(run).dir(s.containsKey("dir") ? Path.of(s.get("dir")).resolve(fnn ? "fnn" : "lstm") : dir)
                .run();
        Map<String, Double> out = new LinkedHashMap<>();
        for (String mask : new String[]{"unmasked", "control", "+", "¬+", "×", "¬×"})
            for (String view : r.views()) out.put(mask + " on " + view + " %", r.accuracy(mask, view)[0]);
        for (String stage : r.stages()) {
            out.put(stage + " kept %", r.kept(stage)[0]);
            out.put(stage + " undecided %", r.undecided(stage)[0]);
        }
        return out;
    }
}
