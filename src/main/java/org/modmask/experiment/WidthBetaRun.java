package org.modmask.experiment;

import org.modmask.Preset;
import org.modmask.data.AddMul;
import org.modmask.nn.Mlp;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of {@code 03-addmul-width-beta} as a sweep task, with the settings of {@code Paper.widthBeta()} in a preset.
 * Settings: {@code preset} (default MODMASK_PRESET); {@code study}: {@code width} (the + and × masks, no control mask,
 * at the width study's β) or {@code beta} (control, + and × masks at {@code beta}, with that β's mask steps);
 * {@code network} as in the notebook, e.g. {@code 400-400-200} (default: the β study's network); {@code steps}, the
 * width study's mask steps (default the full length); {@code run} (the network's seed is 1 + run); optionally
 * {@code dir}: the notebook's results folder ({@code Workspace.results("addmul-appendix")}), where the run writes as
 * the notebook would, so that the notebook loads it. Metrics: each mask's accuracy on +, × and all, the complements'
 * (width study), the total shared %, and each mask's kept and undecided shares.
 */
public final class WidthBetaRun implements SweepTask {
    @Override
    public Map<String, Double> run(Map<String, String> s, Path dir) throws Exception {
        Preset preset = Preset.valueOf(s.getOrDefault("preset", Preset.current().name()).toUpperCase(java.util.Locale.ROOT));
        return preset.during(() -> run(s, dir, preset));      // its manifests name the run's preset
    }

    private Map<String, Double> run(Map<String, String> s, Path dir, Preset preset) {
        var S = Paper.widthBeta().scaled(preset);
        var task = S.task();
        String study = s.getOrDefault("study", "width");
        if (!study.equals("width") && !study.equals("beta"))
            throw new IllegalArgumentException("study is width or beta, got " + study);
        int[] h = s.containsKey("network") ? parse(s.get("network")) : S.betaNet();
        double beta = study.equals("beta") ? Double.parseDouble(required(s, "beta")) : S.beta();
        long steps = study.equals("beta") ? S.betaSteps(beta) : Long.parseLong(s.getOrDefault("steps", Long.toString(S.maskSteps())));
        int run = Integer.parseInt(s.getOrDefault("run", "0"));
        Path into = s.containsKey("dir") ? Path.of(s.get("dir")).resolve("fnn-" + name(h)) : dir;
        // the notebook's fnnAt(h, steps, b), stage for stage, so that its protocols find these files
        Protocol p = Protocol.of("FNN " + name(h), seed -> Mlp.classifier(AddMul.INPUTS, h, 2, 10, seed))
                .train(task.train(), S::training).requireBase(0.99)
                .masks(S.masks(steps, beta))
                .view("+", task.valid(AddMul.Op.ADD)).view("×", task.valid(AddMul.Op.MUL)).view("all", task.valid());
        if (study.equals("beta")) p.stage("control", task.train());
        p.stage("+", task.train(AddMul.Op.ADD)).stage("×", task.train(AddMul.Op.MUL));
        if (study.equals("width")) p.noControl();
        Result r = p.onlyRun(run).dir(into).run();
        Map<String, Double> out = new LinkedHashMap<>();
        var masks = new java.util.ArrayList<>(java.util.List.of("unmasked"));
        masks.addAll(r.stages());
        masks.addAll(java.util.List.of("¬+", "¬×"));
        for (String mask : masks)
            for (String view : r.views()) out.put(mask + " on " + view + " %", r.accuracy(mask, view)[0]);
        for (String stage : r.stages()) {
            out.put(stage + " kept %", r.kept(stage)[0]);
            out.put(stage + " undecided %", r.undecided(stage)[0]);
        }
        out.put("total shared %", r.totalShared("+", "×")[0]);
        return out;
    }

    private static String required(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) throw new IllegalArgumentException("the β study needs the setting '" + key + "'");
        return v;
    }

    /** "400-400-200" → {400, 400, 200}, as the notebook names its networks. */
    static int[] parse(String network) {
        try {
            int[] h = Arrays.stream(network.split("-")).mapToInt(Integer::parseInt).toArray();
            if (h.length == 0 || Arrays.stream(h).anyMatch(w -> w <= 0)) throw new NumberFormatException();
            return h;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("network is hidden widths joined by '-', e.g. 400-400-200; got '" + network + "'");
        }
    }

    static String name(int[] h) {
        return String.join("-", Arrays.stream(h).mapToObj(Integer::toString).toList());
    }
}
