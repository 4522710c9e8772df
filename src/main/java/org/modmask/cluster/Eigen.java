package org.modmask.cluster;

/** The eigenvector of a symmetric matrix whose eigenvalue is largest in absolute value (cyclic Jacobi). */
final class Eigen {
    private Eigen() {
    }

    static double[] leading(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = m[i].clone();
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, norm = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    norm += a[i][j] * a[i][j];
                    if (i != j) off += a[i][j] * a[i][j];
                }
            if (off <= 1e-30 * Math.max(norm, 1e-300)) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {            // columns p, q
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {            // rows p, q
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
        }
        int best = 0;
        for (int i = 1; i < n; i++) if (Math.abs(a[i][i]) > Math.abs(a[best][best])) best = i;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = v[i][best];
        return out;
    }
}
