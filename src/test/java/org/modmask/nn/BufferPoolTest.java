package org.modmask.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reusing intermediate buffers between calls must never change a result or an array already handed out. */
class BufferPoolTest {
    static Map<String, INDArray> batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Map.of("src", Nd4j.rand(DataType.FLOAT, 6, 5).muli(5).castTo(DataType.INT32).castTo(DataType.FLOAT),
                "src_mask", Nd4j.ones(DataType.FLOAT, 6, 5),
                "tgt_in", Nd4j.rand(DataType.FLOAT, 6, 4).muli(4).castTo(DataType.INT32).castTo(DataType.FLOAT),
                "tgt_out", Nd4j.rand(DataType.FLOAT, 6, 4).muli(4).castTo(DataType.INT32).castTo(DataType.FLOAT),
                "tgt_mask", Nd4j.ones(DataType.FLOAT, 6, 4));
    }

    static Model model() {
        return Transformer.of(new Transformer.Config(6, 5, 16, 2, 1, 1, 24, 0.0, false), 7);
    }

    @Test
    void returnedArraysSurviveLaterCalls() {
        Model m = model();
        Map<String, INDArray> a = batch(1), b = batch(2);
        INDArray logitsA = m.logits(a);
        INDArray copyA = logitsA.dup();
        List<String> names = m.parameters().stream().map(Param::name).toList();
        Model.Step stepA = m.step(a, names);
        Map<String, INDArray> gradsA = new java.util.HashMap<>();
        stepA.gradients().forEach((k, v) -> gradsA.put(k, v.dup()));
        for (int i = 0; i < 3; i++) {        // calls whose intermediates take the pooled buffers
            m.logits(b);
            m.step(b, names);
        }
        assertEquals(copyA, logitsA, "logits returned earlier were overwritten by later calls");
        stepA.gradients().forEach((k, v) -> assertEquals(gradsA.get(k), v, "gradient '" + k + "' returned earlier was overwritten"));
    }

    @Test
    void repeatedCallsGiveTheSameResultsAsAFreshModel() {
        Model pooled = model();
        List<String> names = pooled.parameters().stream().map(Param::name).toList();
        Map<String, INDArray> a = batch(3), b = batch(4);
        for (int i = 0; i < 3; i++) {        // fill the pool with buffers of both batches' shapes
            pooled.step(a, names);
            pooled.step(b, names);
        }
        Model fresh = model();
        assertEquals(fresh.logits(b), pooled.logits(b));
        assertEquals(fresh.loss(a), pooled.loss(a), 0);
        Model.Step s1 = fresh.step(a, names), s2 = pooled.step(a, names);
        assertEquals(s1.loss(), s2.loss(), 0);
        s1.gradients().forEach((k, v) -> assertEquals(v, s2.gradients().get(k), "gradient of " + k));
    }

    /** A freed step's gradients go back to the pool (not to the OS), and the next step's results are unchanged. */
    @Test
    void freedGradientsGoBackToThePool() {
        Model m = model(), fresh = model();
        List<String> names = m.parameters().stream().map(Param::name).toList();
        Map<String, INDArray> a = batch(5), b = batch(6);
        m.step(a, names).free();                 // builds the gradient graph (that first call runs unpooled)
        Model.Step first = m.step(a, names);
        List<INDArray> grads = List.copyOf(first.gradients().values());
        assertTrue(grads.stream().noneMatch(m.pool::holds), "gradients in use must not be in the pool");
        first.free();
        assertTrue(grads.stream().allMatch(m.pool::holds), "a freed step's gradients should wait in the pool");
        Model.Step next = m.step(b, names), want = fresh.step(b, names);
        want.gradients().forEach((k, v) -> assertEquals(v, next.gradients().get(k), "gradient of " + k));
        assertTrue(next.gradients().values().stream().noneMatch(m.pool::holds), "the next step's gradients are its own");
    }

    @Test
    void threadsThatCallOneAfterAnotherShareOneSession() throws Exception {
        Model m = model();
        List<String> names = m.parameters().stream().map(Param::name).toList();
        Map<String, INDArray> a = batch(5);
        m.step(a, names).free();                  // the first call builds the gradient graph
        double loss = m.step(a, names).loss();
        int forward = 0, backward = 0;
        for (int i = 0; i < 4; i++) {               // as mask trainings do, each with a fresh worker thread
            double[] seen = new double[1];
            Thread t = new Thread(() -> seen[0] = m.step(a, names).loss());
            t.start();
            t.join();
            assertEquals(loss, seen[0], 0, "a step on another thread");
            if (i == 0) {
                forward = m.sameDiff().getSessions().size();
                backward = m.sameDiff().getFunction("grad").getSessions().size();
            }
        }
        // the calling thread's own session, and one that each ended thread hands to the next
        assertEquals(2, backward, "gradient sessions after the first worker");
        assertEquals(backward, m.sameDiff().getFunction("grad").getSessions().size(), "gradient sessions after four workers");
        assertEquals(forward, m.sameDiff().getSessions().size(), "forward sessions after four workers");
    }
}
