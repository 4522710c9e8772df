package org.modmask.cluster;

import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Spec §5.2 item 4: the closed-form associations equal finite differences of the network itself. */
class AssociationsTest {
    final Model net = Mlp.classifier(5, new int[]{4, 3}, 3, 7);
    final double[][] xs = new double[9][5];
    final int[] ys = new int[9];
    final double[][][] w = new double[3][][];
    final double[][] b = new double[3][];

    AssociationsTest() {
        Random r = new Random(3);
        for (double[] x : xs) for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 0.5);   // exact in float, as the data set holds it
        for (int s = 0; s < ys.length; s++) ys[s] = r.nextInt(3);
        for (int l = 0; l < 3; l++) {
            w[l] = net.get("layers." + l + ".weight").castTo(DataType.DOUBLE).toDoubleMatrix();
            b[l] = net.get("layers." + l + ".bias").castTo(DataType.DOUBLE).toDoubleVector();
        }
    }

    Dataset data() {
        var x = Nd4j.createFromArray(xs).castTo(DataType.FLOAT);
        var y = Nd4j.zeros(DataType.FLOAT, ys.length, 3);
        for (int s = 0; s < ys.length; s++) y.putScalar(s, ys[s], 1);
        return Dataset.of("probe", "x", x, "y", y);
    }

    /** Layer l's output from layer l's input (relu on hidden layers, none on the output). */
    double[] layer(int l, double[] in) {
        double[] o = new double[w[l].length];
        for (int i = 0; i < o.length; i++) {
            o[i] = b[l][i];
            for (int j = 0; j < in.length; j++) o[i] += w[l][i][j] * in[j];
            if (l < 2) o[i] = Math.max(0, o[i]);
        }
        return o;
    }

    double[] hidden(int upTo, double[] x) {
        double[] h = x;
        for (int l = 0; l <= upTo; l++) h = layer(l, h);
        return h;
    }

    double[] logitsFrom(int l, double[] h) {
        for (int k = l + 1; k < 3; k++) h = layer(k, h);
        return h;
    }

    double loss(int l, double[] h, int y) {
        double[] z = logitsFrom(l, h);
        double max = Math.max(z[0], Math.max(z[1], z[2])), sum = 0;
        for (double v : z) sum += Math.exp(v - max);
        return -(z[y] - max - Math.log(sum));
    }

    @Test
    void closedFormsEqualFiniteDifferences() {
        var assoc = Associations.of(net, data());
        double eps = 1e-6;
        for (int l = 0; l < 2; l++) {
            int d = w[l].length;
            double[][] cov = new double[d][d], jac = new double[d][d], out = new double[d][d], hess = new double[d][d];
            double[] mean = new double[d];
            for (int s = 0; s < xs.length; s++) {
                double[] h = hidden(l, xs[s]);
                for (int i = 0; i < d; i++) mean[i] += h[i] / xs.length;
                for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cov[i][j] += h[i] * h[j] / xs.length;
                // ∂h/∂x by central differences
                double[][] jx = new double[d][5];
                for (int k = 0; k < 5; k++) {
                    double[] p = xs[s].clone(), m = xs[s].clone();
                    p[k] += eps;
                    m[k] -= eps;
                    double[] hp = hidden(l, p), hm = hidden(l, m);
                    for (int i = 0; i < d; i++) jx[i][k] = (hp[i] - hm[i]) / (2 * eps);
                }
                // ∂z/∂h by central differences
                double[][] jz = new double[3][d];
                for (int i = 0; i < d; i++) {
                    double[] p = h.clone(), m = h.clone();
                    p[i] += eps;
                    m[i] -= eps;
                    double[] zp = logitsFrom(l, p), zm = logitsFrom(l, m);
                    for (int o = 0; o < 3; o++) jz[o][i] = (zp[o] - zm[o]) / (2 * eps);
                }
                double dh = 1e-4;
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) {
                        for (int k = 0; k < 5; k++) jac[i][j] += jx[i][k] * jx[j][k] / xs.length;
                        for (int o = 0; o < 3; o++) out[i][j] += jz[o][i] * jz[o][j] / xs.length;
                        hess[i][j] += (loss(l, shift(h, i, dh, j, dh), ys[s]) - loss(l, shift(h, i, dh, j, -dh), ys[s])
                                - loss(l, shift(h, i, -dh, j, dh), ys[s]) + loss(l, shift(h, i, -dh, j, -dh), ys[s])) / (4 * dh * dh) / xs.length;
                    }
            }
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cov[i][j] -= mean[i] * mean[j];
            for (boolean norm : new boolean[]{false, true}) {
                close(Associations.association(cov, norm), assoc.matrix(norm ? Associations.Method.FORWARD_COV_NORM : Associations.Method.FORWARD_COV, l), 1e-9, "cov", l);
                close(Associations.association(jac, norm), assoc.matrix(norm ? Associations.Method.FORWARD_JAC_NORM : Associations.Method.FORWARD_JAC, l), 1e-6, "input gradient", l);
                close(Associations.association(out, norm), assoc.matrix(norm ? Associations.Method.BACKWARD_JAC_NORM : Associations.Method.BACKWARD_JAC, l), 1e-6, "output gradient", l);
                close(Associations.association(hess, norm), assoc.matrix(norm ? Associations.Method.BACKWARD_HESS_NORM : Associations.Method.BACKWARD_HESS, l), 1e-5, "hessian", l);
            }
        }
    }

    @Test
    void lastLayerOutputGradientIsTheOutputWeightsGramMatrix() {
        double[][] a = Associations.of(net, data()).matrix(Associations.Method.BACKWARD_JAC, 1);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double g = 0;
                for (int o = 0; o < 3; o++) g += w[2][o][i] * w[2][o][j];
                assertEquals(i == j ? 0 : Math.abs(g), a[i][j], 1e-12);
            }
    }

    @Test
    void normalizedMatricesHaveUnitScaleAndBadLayersAreNamed() {
        var assoc = Associations.of(net, data());
        double[][] a = assoc.matrix(Associations.Method.FORWARD_COV_NORM, 0);
        for (double[] row : a) for (double v : row) assertTrue(v >= 0 && v <= 1 + 1e-9, "|correlation| " + v);
        var e = assertThrows(IllegalArgumentException.class, () -> assoc.matrix(Associations.Method.FORWARD_COV, 2));
        assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
    }

    @Test
    void autodiffOnAnyGraphEqualsTheClosedForms() {
        var closed = Associations.of(net, data());
        for (int l = 0; l < 2; l++) {
            var auto = AutodiffAssociations.of(net, data(), "hidden." + l, "x");
            for (Associations.Method m : Associations.Method.values())
                close(closed.matrix(m, l), auto.matrix(m), 1e-4, "autodiff " + m.key(), l);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> AutodiffAssociations.of(net, data(), "nope", "x"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    static double[] shift(double[] h, int i, double di, int j, double dj) {
        double[] c = h.clone();
        c[i] += di;
        c[j] += dj;
        return c;
    }

    static void close(double[][] want, double[][] got, double rel, String what, int layer) {
        double scale = 0;
        for (double[] r : want) for (double v : r) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++)
            for (int j = 0; j < want.length; j++)
                assertEquals(want[i][j], got[i][j], rel * Math.max(scale, 1e-12), what + " of layer " + layer + " at " + i + "," + j);
    }
}
