package org.modmask.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Weight initializations used by the paper's models, drawn from a seeded Java generator so that a model
 * built twice with the same seed is bit-identical, whatever ND4J's global random state is.
 */
public final class Init {
    private final SplittableRandom rng;

    public Init(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** Uniform in [-a, a]. */
    public INDArray uniform(double a, long... shape) {
        float[] v = new float[(int) count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * a);
        return Nd4j.create(v, shape, 'c');
    }

    /** PyTorch's default for Linear and Conv weights and biases: U(±1/√fan_in). */
    public INDArray torchDefault(long fanIn, long... shape) {
        return uniform(1.0 / Math.sqrt(fanIn), shape);
    }

    /** Xavier/Glorot uniform with a gain, as {@code torch.nn.init.xavier_uniform_}. */
    public INDArray xavierUniform(long fanIn, long fanOut, double gain, long... shape) {
        return uniform(gain * Math.sqrt(6.0 / (fanIn + fanOut)), shape);
    }

    /** Normal with mean 0 and the given standard deviation. */
    public INDArray normal(double std, long... shape) {
        float[] v = new float[(int) count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian() * std);
        return Nd4j.create(v, shape, 'c');
    }

    /** A (rows × cols) matrix with orthonormal rows or columns, times gain (Gram–Schmidt on a Gaussian). */
    public INDArray orthogonal(double gain, int rows, int cols) {
        boolean transpose = rows < cols;
        int r = transpose ? cols : rows, c = transpose ? rows : cols;
        double[][] q = new double[c][r];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < r; i++) q[j][i] = gaussian();
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < r; i++) dot += q[j][i] * q[p][i];
                for (int i = 0; i < r; i++) q[j][i] -= dot * q[p][i];
            }
            double norm = 0;
            for (int i = 0; i < r; i++) norm += q[j][i] * q[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < r; i++) q[j][i] /= norm;
        }
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                v[i * cols + j] = (float) (gain * (transpose ? q[i][j] : q[j][i]));
        return Nd4j.create(v, new long[]{rows, cols}, 'c');
    }

    public INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    public INDArray ones(long... shape) {
        return Nd4j.ones(DataType.FLOAT, shape);
    }

    private double gaussian() {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    static long count(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
