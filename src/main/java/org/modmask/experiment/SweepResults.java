package org.modmask.experiment;

import org.modmask.AtomicFile;
import org.modmask.Preset;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * Where a sweep's runs keep their results, and the one place that runs a run: {@code <root>/<sweep>/<run id>/} holds
 * the task's checkpoints and, once it has finished, {@code result.json} (settings, metrics, seconds, host). A run whose
 * result exists is skipped; one that was stopped finds its checkpoints and goes on. Every executor goes through
 * {@link #execute}, so the files, and the merged table, are the same whichever executor produced them.
 */
public final class SweepResults {
    static final String RESULT = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepResults() {
    }

    /** The run's folder under a results root. */
    public static Path dir(Path root, SweepRun run) {
        return root.resolve(run.sweep()).resolve(run.id());
    }

    /** True when the run has finished (its result file exists). */
    public static boolean done(Path root, SweepRun run) {
        return Files.isRegularFile(dir(root, run).resolve(RESULT));
    }

    /** Runs one run unless it has finished; returns true when it ran now. */
    public static boolean execute(Path root, SweepRun run) throws Exception {
        if (done(root, run)) return false;
        Path dir = Files.createDirectories(dir(root, run));
        SweepTask task;
        try {
            task = Class.forName(run.task()).asSubclass(SweepTask.class).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("sweep '" + run.sweep() + "': task '" + run.task()
                    + "' is not a SweepTask class with a public no-argument constructor on this classpath", e);
        }
        long t0 = System.nanoTime();
        // a "preset" setting is the run's Preset.current(), so that its settings and manifests follow it
        String named = run.settings().get("preset");
        Preset preset = named == null ? Preset.current() : Preset.named(named, "sweep '" + run.sweep() + "' setting preset");
        Map<String, Double> metrics = new TreeMap<>(preset.during(() -> task.run(Collections.unmodifiableMap(run.settings()), dir)));
        ObjectNode out = JSON.createObjectNode();
        out.put("id", run.id());
        out.put("sweep", run.sweep());
        out.put("task", run.task());
        ObjectNode s = out.putObject("settings"), m = out.putObject("metrics");
        run.settings().forEach(s::put);
        metrics.forEach(m::put);
        out.put("seconds", (System.nanoTime() - t0) / 1e9);
        out.put("host", java.net.InetAddress.getLocalHost().getHostName());
        AtomicFile.write(dir.resolve(RESULT), o -> o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out)));
        return true;
    }

    /**
     * Every finished run of a sweep as one table: its id ("run id"), its settings (numbers where every value is one), its
     * metrics; rows in the sweep's order. Timings and hosts stay in the result files, so the table is the same
     * whichever executor produced it. Runs without a result are left out and named in the table's name.
     */
    public static Table merge(Path root, List<SweepRun> runs) throws IOException {
        List<Map<String, String>> settings = new ArrayList<>();
        List<Map<String, Double>> metrics = new ArrayList<>();
        List<String> ids = new ArrayList<>(), missing = new ArrayList<>();
        TreeSet<String> metricNames = new TreeSet<>();
        String sweep = runs.isEmpty() ? "sweep" : runs.get(0).sweep();
        for (SweepRun r : runs) {
            Path f = dir(root, r).resolve(RESULT);
            if (!Files.isRegularFile(f)) {
                missing.add(r.id());
                continue;
            }
            var node = JSON.readTree(f.toFile());
            if (!r.id().equals(node.path("id").asText()))
                throw new IOException(f + " belongs to run " + node.path("id").asText() + ", not " + r.id());
            Map<String, Double> m = new TreeMap<>();
            node.path("metrics").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN));
            ids.add(r.id());
            settings.add(r.settings());
            metrics.add(m);
            metricNames.addAll(m.keySet());
        }
        Table t = Table.create(sweep + ": " + ids.size() + " of " + runs.size() + " runs" + (missing.isEmpty() ? "" : " (missing: " + String.join(", ", missing) + ")"),
                StringColumn.create("run id", ids));
        List<String> keys = runs.isEmpty() ? List.of() : new ArrayList<>(runs.get(0).settings().keySet());
        for (String k : keys) {
            List<String> vals = settings.stream().map(s -> s.get(k)).toList();
            boolean numeric = vals.stream().allMatch(SweepResults::isNumber);
            t.addColumns(numeric ? DoubleColumn.create(k, vals.stream().mapToDouble(Double::parseDouble).toArray()) : StringColumn.create(k, vals));
        }
        for (String name : metricNames)
            t.addColumns(DoubleColumn.create(name, metrics.stream().mapToDouble(m -> m.getOrDefault(name, Double.NaN)).toArray()));
        return t;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
