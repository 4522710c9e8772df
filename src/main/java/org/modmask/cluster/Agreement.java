package org.modmask.cluster;

/**
 * How much two partitions of the same units agree (spec §2.4). Dead units (label −1) count as one shared cluster.
 */
public final class Agreement {
    private Agreement() {
    }

    /**
     * Element-centric similarity (Gates et al. 2019) of two flat partitions:
     * {@code S = (1/n) Σ_i [1 − ½ Σ_j |a_i(j) − b_i(j)|]} with {@code a_i(j) = 1[j ∈ C₁(i)] / |C₁(i)|}. 1 for identical
     * partitions, 1/n for one cluster against n singletons.
     */
    public static double elementSimilarity(int[] p1, int[] p2) {
        if (p1.length != p2.length) throw new IllegalArgumentException("partitions of " + p1.length + " and " + p2.length + " units");
        int n = p1.length;
        if (n == 0) throw new IllegalArgumentException("partitions of no units");
        int[] a = compact(p1), b = compact(p2);
        int ka = max(a) + 1, kb = max(b) + 1;
        int[] sa = new int[ka], sb = new int[kb];
        int[][] overlap = new int[ka][kb];
        for (int i = 0; i < n; i++) {
            sa[a[i]]++;
            sb[b[i]]++;
            overlap[a[i]][b[i]]++;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double s1 = sa[a[i]], s2 = sb[b[i]], o = overlap[a[i]][b[i]];
            double l1 = o * Math.abs(1 / s1 - 1 / s2) + (s1 - o) / s1 + (s2 - o) / s2;
            s += 1 - 0.5 * l1;
        }
        return s / n;
    }

    /** Labels renumbered 0..k−1, dead units (−1) as one more cluster. */
    static int[] compact(int[] labels) {
        java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) out[i] = ids.computeIfAbsent(labels[i], x -> ids.size());
        return out;
    }

    private static int max(int[] xs) {
        int m = -1;
        for (int x : xs) m = Math.max(m, x);
        return m;
    }

    /** Variation of information (nats): {@code H(A) + H(B) − 2 I(A;B)}; 0 for identical partitions. */
    public static double variationOfInformation(int[] p1, int[] p2) {
        double[] h = entropies(p1, p2);
        return h[0] + h[1] - 2 * (h[0] + h[1] - h[2]);
    }

    /** Variation of information divided by the joint entropy H(A, B): in [0, 1]. */
    public static double variationOfInformationNormalized(int[] p1, int[] p2) {
        double[] h = entropies(p1, p2);
        return h[2] == 0 ? 0 : variationOfInformation(p1, p2) / h[2];
    }

    /**
     * Variation of information as clusim normalizes it with {@code norm_type='entropy'} (the spec's {@code vi_norm}), a
     * similarity: {@code 1 − ½[(H(A,B) − H(A))/H(B) + (H(A,B) − H(B))/H(A)]}. 1 for identical partitions, 0 for
     * independent ones of equal entropy; NaN when either partition is a single cluster (zero entropy).
     */
    public static double variationOfInformationSimilarity(int[] p1, int[] p2) {
        double[] h = entropies(p1, p2);
        if (h[0] == 0 || h[1] == 0) return Double.NaN;
        return 1 - 0.5 * ((h[2] - h[0]) / h[1] + (h[2] - h[1]) / h[0]);
    }

    /** H(A), H(B) and the joint H(A, B) in nats. */
    private static double[] entropies(int[] p1, int[] p2) {
        Contingency c = new Contingency(p1, p2);
        double ha = 0, hb = 0, hab = 0;
        for (double k : c.a) ha -= plogp(k / c.n);
        for (double k : c.b) hb -= plogp(k / c.n);
        for (int[] row : c.table) for (int k : row) hab -= plogp((double) k / c.n);
        return new double[]{ha, hb, hab};
    }

    private static double plogp(double p) {
        return p == 0 ? 0 : p * Math.log(p);
    }

    /**
     * Reduced mutual information (Newman, Cantwell & Young 2020; clusim's {@code sim.rmi}, the spec's {@code rmi}), in
     * bits per unit: the mutual information counted exactly, {@code log[n! ∏ n_rs! / (∏ a_r! ∏ b_s!)]}, less
     * {@code log Ω(a, b)}, the number of contingency tables with the partitions' cluster sizes as margins (which a
     * second partition can match by chance). Near 0 for unrelated partitions, where plain mutual information stays
     * positive; exactly 0 when either partition is one cluster.
     */
    public static double reducedMutualInformation(int[] p1, int[] p2) {
        Contingency c = new Contingency(p1, p2);
        return (c.logMultinomialMi() - logOmega(c.a, c.b)) / c.n / Math.log(2);
    }

    /**
     * Reduced mutual information divided by the mean of each partition's with itself (clusim's {@code 'normalized'},
     * the spec's {@code rmi_norm}): 1 for identical partitions, near 0 for unrelated ones.
     */
    public static double reducedMutualInformationNormalized(int[] p1, int[] p2) {
        Contingency c = new Contingency(p1, p2);
        double self1 = logFactorial(c.n) - sumLogFactorial(c.a) - logOmega(c.a, c.a);
        double self2 = logFactorial(c.n) - sumLogFactorial(c.b) - logOmega(c.b, c.b);
        return (c.logMultinomialMi() - logOmega(c.a, c.b)) / (0.5 * (self1 + self2));
    }

    /**
     * log Ω(a, b) in nats by the approximation of Newman, Cantwell & Young (2020, eq. 29), with
     * {@code w = n / (n + RS/2)}, {@code x_r = (1−w)/R + w a_r/n}, {@code y_s = (1−w)/S + w b_s/n},
     * {@code ν = (S+1)/(S Σx²) − 1/S} and {@code μ = (R+1)/(R Σy²) − 1/R}.
     */
    static double logOmega(double[] a, double[] b) {
        int R = a.length, S = b.length;
        if (R == 1 || S == 1) return 0;                       // a single row or column: one table
        double n = 0;
        for (double v : a) n += v;
        double w = n / (n + 0.5 * R * S), sumX2 = 0, sumY2 = 0, sumLogX = 0, sumLogY = 0;
        for (double v : a) {
            double x = (1 - w) / R + w * v / n;
            sumX2 += x * x;
            sumLogX += Math.log(x);
        }
        for (double v : b) {
            double y = (1 - w) / S + w * v / n;
            sumY2 += y * y;
            sumLogY += Math.log(y);
        }
        double nu = (S + 1) / (S * sumX2) - 1.0 / S, mu = (R + 1) / (R * sumY2) - 1.0 / R;
        return (R - 1) * (S - 1) * Math.log(n + 0.5 * R * S)
                + 0.5 * (R + nu - 2) * sumLogY + 0.5 * (S + mu - 2) * sumLogX
                + 0.5 * (lgamma(mu * R) + lgamma(nu * S) - R * (lgamma(S) + lgamma(mu)) - S * (lgamma(R) + lgamma(nu)));
    }

    private static double lgamma(double x) {
        return org.apache.commons.math3.special.Gamma.logGamma(x);
    }

    private static double logFactorial(double k) {
        return lgamma(k + 1);
    }

    private static double sumLogFactorial(double[] ks) {
        double s = 0;
        for (double k : ks) s += logFactorial(k);
        return s;
    }

    /** Cluster sizes a (rows) and b (columns) and the overlap counts of two partitions; dead units one cluster. */
    private static final class Contingency {
        final int n;
        final double[] a, b;
        final int[][] table;

        Contingency(int[] p1, int[] p2) {
            if (p1.length != p2.length) throw new IllegalArgumentException("partitions of " + p1.length + " and " + p2.length + " units");
            if (p1.length == 0) throw new IllegalArgumentException("partitions of no units");
            int[] x = compact(p1), y = compact(p2);
            n = x.length;
            a = new double[max(x) + 1];
            b = new double[max(y) + 1];
            table = new int[a.length][b.length];
            for (int i = 0; i < n; i++) {
                a[x[i]]++;
                b[y[i]]++;
                table[x[i]][y[i]]++;
            }
        }

        /** log of n! ∏ n_rs! / (∏ a_r! ∏ b_s!), the mutual information counted exactly (nats, not per unit). */
        double logMultinomialMi() {
            double v = logFactorial(n) - sumLogFactorial(a) - sumLogFactorial(b);
            for (int[] row : table) for (int c : row) v += logFactorial(c);
            return v;
        }
    }

    /**
     * Greedy matching of clusters (spec §2.4 "score"): repeatedly match the two clusters with the largest overlap
     * and strike both out; the matched overlaps divided by the smaller number of live units. Dead units (−1) are
     * left out. 1 when the partitions are identical.
     */
    public static double matchingScore(int[] p1, int[] p2) {
        if (p1.length != p2.length) throw new IllegalArgumentException("partitions of " + p1.length + " and " + p2.length + " units");
        int ka = 0, kb = 0, na = 0, nb = 0;
        for (int v : p1) ka = Math.max(ka, v + 1);
        for (int v : p2) kb = Math.max(kb, v + 1);
        int[][] o = new int[Math.max(ka, 1)][Math.max(kb, 1)];
        for (int i = 0; i < p1.length; i++) {
            if (p1[i] >= 0) na++;
            if (p2[i] >= 0) nb++;
            if (p1[i] >= 0 && p2[i] >= 0) o[p1[i]][p2[i]]++;
        }
        if (Math.min(na, nb) == 0) return 0;
        boolean[] usedA = new boolean[o.length], usedB = new boolean[o[0].length];
        int matched = 0;
        while (true) {
            int bi = -1, bj = -1, best = 0;
            for (int i = 0; i < o.length; i++)
                for (int j = 0; j < o[0].length; j++)
                    if (!usedA[i] && !usedB[j] && o[i][j] > best) {
                        best = o[i][j];
                        bi = i;
                        bj = j;
                    }
            if (bi < 0) break;
            matched += best;
            usedA[bi] = true;
            usedB[bj] = true;
        }
        return (double) matched / Math.min(na, nb);
    }

    /**
     * The share of {@code shuffles} random relabellings of the first partition's live units that match the second
     * at least as well as the first does (a permutation p-value for {@link #matchingScore}).
     */
    public static double matchingP(int[] p1, int[] p2, int shuffles, long seed) {
        double score = matchingScore(p1, p2);
        java.util.Random r = new java.util.Random(seed);
        int[] live = java.util.stream.IntStream.range(0, p1.length).filter(i -> p1[i] >= 0).toArray();
        int[] q = p1.clone();
        int higher = 0;
        for (int s = 0; s < shuffles; s++) {
            for (int i = live.length - 1; i > 0; i--) {          // shuffle the labels among the live units
                int j = r.nextInt(i + 1), t = q[live[i]];
                q[live[i]] = q[live[j]];
                q[live[j]] = t;
            }
            if (matchingScore(q, p2) >= score) higher++;
        }
        return (double) higher / shuffles;
    }

    /** Spearman correlation between the upper triangles of two association matrices ("RSA"; compares matrices). */
    public static double spearman(double[][] a, double[][] b) {
        int n = a.length;
        if (b.length != n) throw new IllegalArgumentException("matrices of " + n + " and " + b.length + " units");
        int m = n * (n - 1) / 2, k = 0;
        double[] x = new double[m], y = new double[m];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                x[k] = a[i][j];
                y[k++] = b[i][j];
            }
        return spearman(x, y);
    }

    /** Spearman rank correlation of two samples of equal length (NaN when either is constant). */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("samples of " + x.length + " and " + y.length + " values");
        int m = x.length;
        double[] rx = ranks(x), ry = ranks(y);
        double mx = 0, my = 0;
        for (int i = 0; i < m; i++) {
            mx += rx[i] / m;
            my += ry[i] / m;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < m; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Average ranks (ties share the mean of their ranks), 1-based. */
    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            for (int t = i; t <= j; t++) r[idx[t]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return r;
    }

    /**
     * How well partition {@code pb} (found on graph b) explains graph a: {@code Q(A_a, P_b) / (Q(A_a, P_a) + 1e-3)}
     * (spec §2.4 "transfer, normalized").
     */
    public static double transfer(double[][] aA, int[] pA, int[] pB) {
        return Modularity.q(aA, pB) / (Modularity.q(aA, pA) + 1e-3);
    }
}
