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
 * Settings: {@code preset} (default MODMASK_PRESET); {@code study}: {@code width} (one network's + and × masks, no
 * control mask, at the width study's β, for the short and then the full mask length) or {@code beta} (the β study's
 * network: control, + and × masks at each β of the preset in turn, or only at {@code beta} when given); {@code network}
 * as in the notebook, e.g. {@code 400-400-200} (width study); {@code run} (the network's seed is 1 + run); optionally
 * {@code dir}: the notebook's results folder ({@code Workspace.results("addmul-appendix")}), where the run writes as the
 * notebook would, so that the notebook loads it. One task trains what shares a base network one after another, as
 * the notebook does, so that concurrent tasks never train the same network twice. Metrics, per mask length or β: each
 * mask's accuracy on +, × and all, the complements', the total shared %, and each mask's kept and undecided shares.
 */
public final class WidthBetaRun implements SweepTask {
    @Override
    public Map<String, Double> run(Map<String, String> s, Path dir) throws Exception {
        Preset preset = Preset.current();             // the run's "preset" setting (SweepResults.execute), else MODMASK_PRESET
        var S = Paper.widthBeta().scaled(preset);
        var task = S.task();
        String study = s.getOrDefault("study", "width");
        int run = Integer.parseInt(s.getOrDefault("run", "0"));
        Map<String, Double> out = new LinkedHashMap<>();
        switch (study) {
            case "width" -> {
                int[] h = parse(required(s, "network"));
                for (long steps : new long[]{S.shortSteps(), S.maskSteps()}) {
                    Result r = fnnAt(S, task, h, steps, S.beta(), s, dir).stage("+", task.train(AddMul.Op.ADD))
                            .stage("×", task.train(AddMul.Op.MUL)).noControl().onlyRun(run).run();
                    metrics(r, String.format(java.util.Locale.ROOT, "%d steps: ", steps), out);
                }
            }
            case "beta" -> {
                double[] betas = s.containsKey("beta") ? new double[]{Double.parseDouble(s.get("beta"))} : S.betas();
                for (double b : betas) {
                    Result r = fnnAt(S, task, S.betaNet(), S.betaSteps(b), b, s, dir).stage("control", task.train())
                            .stage("+", task.train(AddMul.Op.ADD)).stage("×", task.train(AddMul.Op.MUL)).onlyRun(run).run();
                    metrics(r, "β " + java.math.BigDecimal.valueOf(b).stripTrailingZeros().toPlainString() + ": ", out);
                }
            }
            default -> throw new IllegalArgumentException("study is width or beta, got " + study);
        }
        return out;
    }

    /** The notebook's fnnAt(h, steps, b), so that its protocols find these files. */
    private static Protocol fnnAt(Paper.WidthBetaSettings S, AddMul task, int[] h, long steps, double b, Map<String, String> s, Path dir) {
        Path into = s.containsKey("dir") ? Path.of(s.get("dir")).resolve("fnn-" + name(h)) : dir.resolve("fnn-" + name(h));
        return Protocol.of("FNN " + name(h), seed -> Mlp.classifier(AddMul.INPUTS, h, 2, 10, seed))
                .train(task.train(), S::training).requireBase(0.99)
                .masks(S.masks(steps, b))
                .view("+", task.valid(AddMul.Op.ADD)).view("×", task.valid(AddMul.Op.MUL)).view("all", task.valid())
                .dir(into);
    }

    private static void metrics(Result r, String prefix, Map<String, Double> out) {
        var masks = new java.util.ArrayList<>(java.util.List.of("unmasked"));
        masks.addAll(r.stages());
        masks.addAll(java.util.List.of("¬+", "¬×"));
        for (String mask : masks)
            for (String view : r.views()) out.put(prefix + mask + " on " + view + " %", r.accuracy(mask, view)[0]);
        for (String stage : r.stages()) {
            out.put(prefix + stage + " kept %", r.kept(stage)[0]);
            out.put(prefix + stage + " undecided %", r.undecided(stage)[0]);
        }
        out.put(prefix + "total shared %", r.totalShared("+", "×")[0]);
    }

    private static String required(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) throw new IllegalArgumentException("the width study needs the setting '" + key + "'");
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
