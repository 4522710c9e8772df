package org.modmask.cluster;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;

/**
 * Finds a partition of maximal modularity as the paper does (spec §2.2): recursive leading-eigenvector bisection,
 * each split kept only if Q rises, then Monte-Carlo moves of single units with a temperature set per step so that
 * the choice has an entropy of 0.15 nats; the best partition ever seen is returned. Each move's ΔQ is computed
 * incrementally (O(n) per step) instead of recomputing Q for every candidate.
 * <pre>{@code Partition p = Clusterer.of(association).seed(1).run();   // p.q(), p.softCount(), p.labels()}</pre>
 */
public final class Clusterer {
    private final double[][] a;
    private int steps = 5000;
    private double targetEntropy = 0.15;
    private long seed = 0;

    private Clusterer(double[][] a) {
        Modularity.check(a, new int[a.length]);
        for (double[] row : a)
            for (double v : row)
                if (!(v >= 0) || Double.isInfinite(v))
                    throw new IllegalArgumentException("associations must be finite and >= 0 (take |A|), got " + v);
        this.a = a;
    }

    /** A clusterer of the units of a symmetric, non-negative association matrix. */
    public static Clusterer of(double[][] associations) {
        return new Clusterer(associations);
    }

    /** Monte-Carlo steps (the paper's evaluation uses 5000). */
    public Clusterer steps(int s) {
        if (s < 0) throw new IllegalArgumentException("steps must be >= 0, got " + s);
        steps = s;
        return this;
    }

    /** Entropy (nats) the move distribution is tempered to (0.15, about 1.16 effective choices). */
    public Clusterer targetEntropy(double h) {
        if (!(h > 0)) throw new IllegalArgumentException("target entropy must be > 0, got " + h);
        targetEntropy = h;
        return this;
    }

    public Clusterer seed(long s) {
        seed = s;
        return this;
    }

    /** Spectral initialization, then Monte-Carlo refinement. */
    public Partition run() {
        return refine(spectral());
    }

    /** The recursive bisection alone. */
    public Partition spectral() {
        int n = a.length;
        double w = 0;
        double[] d = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                d[i] += a[i][j];
                w += a[i][j];
            }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = w > 0 && d[i] / w >= 1e-15 ? 0 : -1;
        if (!(w > 0)) return new Partition(labels, 0);
        double q = Modularity.q(a, labels);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(0);
        int next = 1;
        while (!queue.isEmpty() && next < n) {
            int c = queue.poll();
            int[] members = members(labels, c);
            if (members.length <= 1) continue;
            double[][] b = new double[members.length][members.length];      // B = Â − d̂d̂ᵀ on the members
            for (int x = 0; x < members.length; x++)
                for (int y = 0; y < members.length; y++)
                    b[x][y] = a[members[x]][members[y]] / w - d[members[x]] / w * d[members[y]] / w;
            double[] v = Eigen.leading(b);
            boolean pos = false, neg = false;
            for (double e : v) {
                pos |= e >= 0;
                neg |= e < 0;
            }
            if (!pos || !neg) continue;
            for (int x = 0; x < members.length; x++) if (v[x] < 0) labels[members[x]] = next;
            double q2 = Modularity.q(a, labels);
            if (q2 > q) {
                q = q2;
                queue.add(c);
                queue.add(next);
                next++;
            } else for (int m : members) labels[m] = c;
        }
        return new Partition(labels, q);
    }

    /** Monte-Carlo refinement of a start partition; returns the best partition seen. */
    public Partition refine(Partition start) {
        int n = a.length;
        int[] labels = relabel(start.labels());
        int[] live = java.util.stream.IntStream.range(0, n).filter(i -> start.labels()[i] >= 0).toArray();
        if (live.length == 0) return new Partition(labels, 0);
        double[] d = new double[n];
        double w = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) d[i] += a[i][j];
            w += d[i];
        }
        double[] dc = new double[n];            // summed degree per column (at most n columns)
        int[] size = new int[n];
        for (int i : live) {
            dc[labels[i]] += d[i];
            size[labels[i]]++;
        }
        double q = Modularity.q(a, labels), bestQ = q;
        int[] best = labels.clone();
        Random rng = new Random(seed);
        double[] s = new double[n], score = new double[n];
        double logT = 0;
        for (int step = 0; step < steps; step++) {
            int i = live[rng.nextInt(live.length)], from = labels[i];
            Arrays.fill(s, 0);
            for (int j : live) if (j != i) s[labels[j]] += a[i][j];
            int empty = -1;
            for (int c = 0; c < n && empty < 0; c++) if (size[c] == 0) empty = c;
            // candidates: every non-empty column (i's own included) and one empty column
            for (int c = 0; c < n; c++) {
                if (size[c] == 0 && c != empty) score[c] = Double.NEGATIVE_INFINITY;
                else score[c] = c == from ? 0 : 2 / w * (s[c] - s[from]) - 2 * d[i] / (w * w) * (dc[c] - dc[from] + d[i]);
            }
            int top = from;                     // the best Q among all proposals counts as seen (as the reference)
            for (int c = 0; c < n; c++) if (score[c] > score[top]) top = c;
            if (q + score[top] > bestQ) {
                bestQ = q + score[top];
                best = labels.clone();
                best[i] = top;
            }
            logT = temperature(score, logT);
            int to = sample(score, Math.exp(logT), rng);
            if (to != from) {
                q += score[to];
                dc[from] -= d[i];
                dc[to] += d[i];
                size[from]--;
                size[to]++;
                labels[i] = to;
                if (q > bestQ) {
                    bestQ = q;
                    best = labels.clone();
                }
            }
        }
        int[] out = relabel(best);
        return new Partition(out, Modularity.q(a, out));
    }

    /** Clusters renumbered 0..k−1 in order of appearance; dead units stay −1. */
    static int[] relabel(int[] labels) {
        java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++)
            out[i] = labels[i] < 0 ? -1 : ids.computeIfAbsent(labels[i], x -> ids.size());
        return out;
    }

    /**
     * The log-temperature whose softmax over the scores has the target entropy (±0.01), searched on log T from the
     * previous step's value with step 1, halving the step whenever a move overshoots; T stays within [1e-6, 1e6].
     */
    double temperature(double[] scores, double logT) {
        double step = 1, lo = Math.log(1e-6), hi = Math.log(1e6);
        double err = entropy(scores, Math.exp(logT)) - targetEntropy;
        for (int it = 0; it < 1000 && Math.abs(err) >= 0.01; it++) {
            double next = err > 0 ? logT - step : logT + step;
            if (next < lo || next > hi) return Math.max(lo, Math.min(hi, next));
            double e2 = entropy(scores, Math.exp(next)) - targetEntropy;
            if (Math.abs(e2) > Math.abs(err)) step /= 2;
            else {
                logT = next;
                err = e2;
            }
        }
        return logT;
    }

    static double entropy(double[] scores, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : scores) max = Math.max(max, x);
        double z = 0, h = 0;
        for (double x : scores) if (x > Double.NEGATIVE_INFINITY) z += Math.exp((x - max) / t);
        for (double x : scores) {
            if (x == Double.NEGATIVE_INFINITY) continue;
            double p = Math.exp((x - max) / t) / z;
            if (p > 0) h -= p * Math.log(p);
        }
        return h;
    }

    private static int sample(double[] scores, double t, Random rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : scores) max = Math.max(max, x);
        double z = 0;
        for (double x : scores) if (x > Double.NEGATIVE_INFINITY) z += Math.exp((x - max) / t);
        double u = rng.nextDouble() * z;
        int last = -1;
        for (int c = 0; c < scores.length; c++) {
            if (scores[c] == Double.NEGATIVE_INFINITY) continue;
            last = c;
            u -= Math.exp((scores[c] - max) / t);
            if (u <= 0) return c;
        }
        return last;
    }

    private static int[] members(int[] labels, int c) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray();
    }
}
