package org.modmask.experiment;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * A declarative grid of runs: fixed settings, and settings with several values whose every combination is one run
 * ({@link SweepRun}, with a stable id). Hand it to an executor; every finished run is kept, so a sweep can be run again
 * (after a crash, on more machines, in another sitting) and does only what is left; {@link #merge} reads all results
 * into one table.
 * <pre>{@code
 * var sweep = Sweep.of("tiny", TwoOpsRun.class).set("steps", 1500).grid("seed", 1, 2).grid("beta", 1e-3, 3e-3);
 * Table t = sweep.run(LocalExecutor.of(), Workspace.results("sweeps"));   // 4 runs, 2 at a time on 2 cores
 * }</pre>
 * The same from a file ({@code bin/modmask sweep tiny.json}):
 * <pre>{"name": "tiny", "task": "org.modmask.experiment.TwoOpsRun", "set": {"steps": 1500},
 *  "grid": {"seed": [1, 2], "beta": [1e-3, 3e-3]}}</pre>
 */
public final class Sweep {
    private final String name, task;
    private final LinkedHashMap<String, String> fixed = new LinkedHashMap<>();
    private final LinkedHashMap<String, List<String>> grid = new LinkedHashMap<>();

    private Sweep(String name, String task) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,80}"))
            throw new IllegalArgumentException("sweep name '" + name + "' must be letters, digits, '.', '_' or '-' (it names a folder)");
        this.name = name;
        this.task = task;
    }

    public static Sweep of(String name, Class<? extends SweepTask> task) {
        return new Sweep(name, task.getName());
    }

    /** A sweep whose task is named by class (as in a sweep file); checked when a run starts. */
    public static Sweep of(String name, String taskClass) {
        return new Sweep(name, taskClass);
    }

    /** A setting every run shares. */
    public Sweep set(String setting, Object value) {
        checkNew(setting);
        fixed.put(setting, text(value));
        return this;
    }

    /** A setting with several values: the runs are every combination of every grid setting's values. */
    public Sweep grid(String setting, Object... values) {
        checkNew(setting);
        if (values.length == 0) throw new IllegalArgumentException("grid setting '" + setting + "' has no values");
        List<String> v = new ArrayList<>();
        for (Object o : values) v.add(text(o));
        if (new HashSet<>(v).size() != v.size()) throw new IllegalArgumentException("grid setting '" + setting + "' repeats a value: " + v);
        grid.put(setting, v);
        return this;
    }

    private void checkNew(String setting) {
        if (fixed.containsKey(setting) || grid.containsKey(setting)) throw new IllegalArgumentException("setting '" + setting + "' is given twice");
    }

    private static String text(Object o) {
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        return String.valueOf(o);
    }

    public String name() {
        return name;
    }

    /** Every run: the fixed settings, then one value of each grid setting (the last grid setting varies fastest). */
    public List<SweepRun> runs() {
        List<LinkedHashMap<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>(fixed));
        for (Map.Entry<String, List<String>> g : grid.entrySet()) {
            List<LinkedHashMap<String, String>> next = new ArrayList<>();
            for (var c : combos)
                for (String v : g.getValue()) {
                    var d = new LinkedHashMap<>(c);
                    d.put(g.getKey(), v);
                    next.add(d);
                }
            combos = next;
        }
        return combos.stream().map(c -> new SweepRun(name, task, c)).toList();
    }

    /** Runs what is left on an executor, then merges every result. */
    public Table run(SweepExecutor executor, Path root) throws Exception {
        executor.execute(runs(), root);
        return merge(root);
    }

    /** Every finished run's settings and metrics, one row per run (see {@link SweepResults#merge}). */
    public Table merge(Path root) throws IOException {
        return SweepResults.merge(root, runs());
    }

    /** How many runs have finished. */
    public long done(Path root) {
        return runs().stream().filter(r -> SweepResults.done(root, r)).count();
    }

    /** The sweep as a sweep file's JSON (what {@link #read} reads back to the same runs). */
    public String toJson() {
        var json = new ObjectMapper();
        var root = json.createObjectNode();
        root.put("name", name);
        root.put("task", task);
        var set = root.putObject("set");
        fixed.forEach(set::put);
        var g = root.putObject("grid");
        grid.forEach((k, vs) -> {
            var a = g.putArray(k);
            vs.forEach(a::add);
        });
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hands the sweep to a Spark cluster when the setting {@code MODMASK_SPARK_MASTER} (environment variable or system
     * property, e.g. {@code spark://host:7077} or {@code local[2]}) is there: writes it as {@code <root>/<name>.json}
     * and runs {@code environment/sweep} on it in its own JVM (so the notebook kernel's classpath stays without Spark),
     * its output shown as it comes; returns the merged table. Without the setting it does nothing and returns null,
     * and the notebook trains the runs itself, as before.
     */
    public Table onSparkIfAsked(Path root) throws Exception {
        String master = System.getProperty("MODMASK_SPARK_MASTER", System.getenv("MODMASK_SPARK_MASTER"));
        if (master == null || master.isBlank()) {
            System.out.println("MODMASK_SPARK_MASTER is not set: the runs train here, one after another");
            return null;
        }
        Path script = checkout().resolve("environment/sweep");
        if (!Files.isExecutable(script)) throw new IllegalStateException("cannot find " + script + " to hand the sweep to Spark");
        Files.createDirectories(root);
        Path file = root.resolve(name + ".json");
        Files.writeString(file, toJson());
        var p = new ProcessBuilder(script.toString(), file.toString(), "--master", master, "--root", root.toString()).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) System.out.println(line);
        }
        if (p.waitFor() != 0) throw new IllegalStateException("environment/sweep ended with status " + p.exitValue() + " (its output is above); finished runs are kept");
        return merge(root);
    }

    /** The modmask checkout these classes were built in (the folder above target/). */
    static Path checkout() {
        try {
            Path p = Path.of(Sweep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            while (p != null && !(p.getFileName() != null && p.getFileName().toString().equals("target"))) p = p.getParent();
            if (p == null) throw new IllegalStateException("these classes do not come from a modmask checkout's target/ folder");
            return p.getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a sweep file: {@code name}, {@code task} (a class name), optional {@code set} and {@code grid} objects. */
    public static Sweep read(Path file) throws IOException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException("sweep file " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        for (String need : List.of("name", "task"))
            if (!n.path(need).isTextual()) throw new IllegalArgumentException("sweep file " + file + " needs a text field '" + need + "'");
        Sweep s = of(n.get("name").asText(), n.get("task").asText());
        n.path("set").fields().forEachRemaining(e -> s.set(e.getKey(), value(e.getValue())));
        n.path("grid").fields().forEachRemaining(e -> {
            if (!e.getValue().isArray()) throw new IllegalArgumentException("sweep file " + file + ": grid '" + e.getKey() + "' must be a list");
            List<Object> vs = new ArrayList<>();
            e.getValue().forEach(v -> vs.add(value(v)));
            s.grid(e.getKey(), vs.toArray());
        });
        return s;
    }

    private static Object value(JsonNode v) {
        return v.isNumber() ? (Object) v.asDouble() : v.asText();
    }

    @Override
    public String toString() {
        int n = runs().size();
        return "sweep '" + name + "': " + n + (n == 1 ? " run of " : " runs of ") + task + ", set " + fixed + ", grid " + grid;
    }
}
