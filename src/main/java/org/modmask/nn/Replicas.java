package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.*;

/**
 * K copies of a model in one SameDiff graph, for the K mask samples of a step. Copy {@code r} has its own
 * parameters ({@code name#r}) and inputs, and the graph's loss is the mean of the K copies' losses; one call then
 * gives every copy's gradient. Mask training needs K forward/backward passes per step with K different weights;
 * on small models SameDiff's fixed cost per call dominates, and one call instead of K saves most of it.
 * The gradient of copy r is (1/K)·∂loss_r/∂W_r, exactly what K separate calls give after averaging.
 */
public final class Replicas {
    private final Model model;
    private final int k;
    private final SameDiff sd;
    private final String lossName;
    private final List<String> inputs;
    private boolean gradientsBuilt;

    Replicas(Model model, int k) {
        this.model = model;
        this.k = k;
        Graph g = new Graph(0, model.get(model.parameters().get(0).name()).dataType());
        SDVariable total = null;
        for (int r = 0; r < k; r++) {
            g.suffix = suffix(r);
            Model copy = model.recipe.apply(g);
            SDVariable loss = g.sd().getVariable(copy.lossName());
            total = total == null ? loss : total.add(loss);
        }
        g.suffix = "";
        this.sd = g.sd();
        this.lossName = total.div(k).rename("replicas.loss").name();
        sd.setLossVariables(lossName);
        this.inputs = model.inputs();
        for (Param p : model.parameters())
            for (int r = 0; r < k; r++)
                if (!sd.hasVariable(p.name() + suffix(r)))
                    throw new IllegalStateException("replica " + r + " of " + model.kind() + " lacks parameter " + p.name());
    }

    static String suffix(int r) {
        return "#" + r;
    }

    /** K, the number of copies. */
    public int count() {
        return k;
    }

    /** The live buffer of copy r's parameter (write weights here; values are copied in, never re-bound). */
    public INDArray get(int r, String name) {
        model.param(name);
        return sd.getArrForVarName(name + suffix(r));
    }

    /** Copies the model's current parameter values into every copy. */
    public void copyParameters() {
        for (Param p : model.parameters()) {
            INDArray v = model.get(p.name());
            for (int r = 0; r < k; r++) get(r, p.name()).assign(v);
        }
    }

    /**
     * One forward/backward pass: copy r sees {@code chunks.get(r)}. Returns the mean loss over the copies and,
     * per copy, the gradients of that mean with respect to the named parameters.
     */
    public Step step(List<Map<String, INDArray>> chunks, Collection<String> paramNames) {
        if (chunks.size() != k) throw new IllegalArgumentException("need " + k + " chunks, one per copy, got " + chunks.size());
        Map<String, INDArray> ph = new HashMap<>();
        for (int r = 0; r < k; r++) {
            Map<String, INDArray> c = chunks.get(r);
            for (String in : inputs) {
                INDArray a = c.get(in);
                if (a == null) throw new IllegalArgumentException("the batch lacks input '" + in + "' needed by " + model.kind() + "; it has " + c.keySet());
                ph.put(in + suffix(r), a);
            }
            for (var e : model.auxInputs(c).entrySet()) ph.put(e.getKey() + suffix(r), e.getValue());
        }
        List<String> wrt = new ArrayList<>();
        for (String n : paramNames) {
            model.param(n);
            for (int r = 0; r < k; r++) wrt.add(n + suffix(r));
        }
        OutAndGrad og;
        if (gradientsBuilt) og = model.pool.around(sd, () -> sd.calculateGradientsAndOutputs(ph, List.of(lossName), wrt), Model::arrays);
        else {
            og = Quiet.stdout(() -> sd.calculateGradientsAndOutputs(ph, List.of(lossName), wrt));
            gradientsBuilt = true;
        }
        double loss = og.getOutputs().get(lossName).getDouble(0);
        if (!Double.isFinite(loss))
            throw new ArithmeticException("the loss of " + model.kind() + " is " + loss + " (expected a finite number)");
        List<Map<String, INDArray>> grads = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            Map<String, INDArray> m = new LinkedHashMap<>();
            for (String n : paramNames) m.put(n, og.getGradients().get(n + suffix(r)));
            grads.add(m);
        }
        return new Step(loss, grads);
    }

    /** The mean loss over the copies and each copy's gradients (of that mean). */
    public record Step(double loss, List<Map<String, INDArray>> gradients) {
        /** Releases the gradients' native memory at once. */
        public void free() {
            for (Map<String, INDArray> m : gradients)
                for (INDArray g : m.values()) if (g != null && g.closeable()) g.close();
        }
    }
}
