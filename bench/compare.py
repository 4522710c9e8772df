"""bench/run's driver: runs each case with modmask and with the PyTorch reference, interleaved A B A B.

    /usr/bin/python3 bench/compare.py [CASE ...] [--reps R] [--steps N] [--warmup W] [--warmup-seconds S]

For each case: steps/s median and spread (25th-75th percentile over all timed steps of all repetitions), peak
RSS, achieved GFLOP/s (analytic count of the matrix products) and its share of the same implementation's
measured float32 1024^2 matmul peak, and a last line ending in ratio=<modmask / pytorch steps per second>.
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES = ["fnn-plain", "fnn-mask", "cnn-plain", "cnn-mask", "lstm-mask", "transformer-mask"]
EXTRA = ["lstm-plain", "transformer-plain"]
STEPS = {"fnn": 10, "cnn": 10, "lstm": 20, "transformer": 12}
# Untimed steps first, the same on both sides: at least WARMUP steps and WARMUP_SECONDS of them. The JVM compiles
# SameDiff's Java to machine code on the same two cores while the first steps run: in a 1-thread LSTM mask run the
# C2 compiler thread used 8.6 s of CPU within the first 25 s and then stopped (per-thread CPU times from /proc); a
# batch-32 LSTM pass on one thread averaged 54 ms over its first 200 steps and 40 ms after 25 s. Mask training runs
# for thousands of steps, so the settled speed is what a user waits for; PyTorch settles after a step or two and
# warms up as long.
WARMUP_SECONDS = 20
WARMUP = {"fnn": 8, "cnn": 15, "lstm": 30, "transformer": 8}
B = 128


def flops(case):
    """Multiply-adds x 2 of forward + backward (3 x forward; the first layer's input gradient included)."""
    model = case.split("-")[0]
    if model == "fnn":
        sizes = [42, 2000, 2000, 2000, 2000, 20]
        fwd = sum(2 * a * b for a, b in zip(sizes, sizes[1:])) * B
    elif model == "cnn":
        fwd = 0
        hw, widths = 32, [3, 32, 64, 128, 256]
        for i in range(4):
            fwd += 2 * hw * hw * widths[i] * widths[i + 1] * 9
            hw = hw // 2 if i < 3 else hw
        fwd = (fwd + 2 * 256 * 10) * B
    elif model == "lstm":
        h, steps = 256, 6
        per = 2 * 4 * h * (80 + h) + 2 * 4 * h * (h + h)       # layer 0 and layer 1, per time step
        fwd = (per * steps + 2 * h * 40) * B
    else:
        d, ff, s, t, heads, v = 100, 200, 10, 49, 4, 9
        enc = s * (2 * 4 * d * d + 2 * 2 * d * ff) + 2 * 2 * s * s * d
        dec = t * (2 * 4 * d * d + 2 * 2 * d * ff) + 2 * 2 * t * t * d + t * 2 * 4 * d * d + 2 * 2 * t * s * d
        fwd = (3 * enc + 3 * dec + t * 2 * d * v) * B
    return 3 * fwd


def run(impl, case, steps, warmup=3, warmup_s=0):
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"), OMP_WAIT_POLICY="PASSIVE")
    if impl == "modmask":
        cmd = ["java", "-Xmx8g", "-Dorg.bytedeco.javacpp.maxbytes=16G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=20G"]
        cmd += os.environ.get("MODMASK_BENCH_JVM", "").split()
        cmd += ["-cp", "target/classes:" + open(os.path.join(ROOT, "target/classpath.txt")).read().strip(),
                "org.modmask.bench.Bench", case, "--steps", str(steps), "--warmup", str(warmup),
                "--warmup-seconds", str(warmup_s)]
        if os.environ.get("MODMASK_BENCH_THREADS") and case not in ("matmul", "triad"):   # modmask's own thread count (Threads.use); the peak keeps all
            cmd += ["--threads", os.environ["MODMASK_BENCH_THREADS"]]
    else:
        cmd = ["/usr/bin/python3", os.path.join(HERE, "pytorch", "bench.py"), case, "--steps", str(steps),
               "--warmup", str(warmup), "--warmup-seconds", str(warmup_s), "--threads", env["OMP_NUM_THREADS"]]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise SystemExit("%s %s failed:\n%s" % (impl, case, out.stderr[-3000:]))
    return json.loads(lines[-1])


def quartiles(v):
    q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
    return q[0], statistics.median(v), q[2]


def main(argv):
    reps, steps, warmup, warmup_s, cases = 3, None, None, WARMUP_SECONDS, []
    it = iter(argv)
    for a in it:
        if a == "--reps":
            reps = int(next(it))
        elif a == "--steps":
            steps = int(next(it))
        elif a == "--warmup":
            warmup = int(next(it))
        elif a == "--warmup-seconds":
            warmup_s = float(next(it))
        elif a in CASES + EXTRA or a == "matmul":
            cases.append(a)
        else:
            raise SystemExit("unknown argument %r; cases: %s" % (a, " ".join(CASES + EXTRA)))
    cases = cases or CASES
    torch = subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0
    if not torch:
        print("PyTorch reference skipped: Debian's python3-torch is not installed for /usr/bin/python3 "
              "(apt-get install python3-torch libopenblas0-pthread); modmask figures only.")
    impls = ["modmask", "pytorch"] if torch else ["modmask"]
    peak = {}
    for impl in impls:
        peak[impl] = statistics.median(run(impl, "matmul", 0)["gflops"])
    triad = statistics.median(run("modmask", "triad", 0)["gbs"])
    print("threads=%s  float32 1024^2 matmul peak: %s  memory bandwidth (triad): %.1f GB/s" % (
          os.environ.get("OMP_NUM_THREADS", "2"), "  ".join("%s %.1f GFLOP/s" % (i, peak[i]) for i in impls), triad))
    print("%-18s %-8s %22s %10s %9s %8s" % ("case", "impl", "steps/s med [q1-q3]", "peak RSS", "GFLOP/s", "of peak"))
    for case in cases:
        n = steps or STEPS[case.split("-")[0]]
        w = WARMUP[case.split("-")[0]] if warmup is None else warmup
        times = {i: [] for i in impls}
        rss = {i: 0 for i in impls}
        for _ in range(reps):
            for impl in impls:                       # interleaved: A B A B
                r = run(impl, case, n, w, warmup_s)
                times[impl] += r["step_s"]
                rss[impl] = max(rss[impl], r["rss_mb"])
        rate = {}
        for impl in impls:
            q1, med, q3 = quartiles([1 / t for t in times[impl]])
            rate[impl] = med
            g = flops(case) * med / 1e9
            print("%-18s %-8s %8.2f [%5.2f-%5.2f] %7d MB %9.1f %7.0f%%" % (case, impl, med, q1, q3, rss[impl], g, 100 * g / peak[impl]))
        if torch:
            print("%-18s %s ratio=%.2f" % (case, "modmask/pytorch steps/s", rate["modmask"] / rate["pytorch"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
