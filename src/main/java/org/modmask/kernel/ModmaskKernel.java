package org.modmask.kernel;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.publish.PublishClearOutput;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.reply.CommInfoReply;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import io.github.spencerpark.jupyter.messages.request.*;
import jdk.jshell.*;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * A Java kernel for Jupyter that behaves like IJava (same base library, same runtime API and magics),
 * with the modmask library, its renderers and notebook progress bars ready at start-up.
 * Cells run in JShell inside this JVM, so a cell's result object reaches the renderer.
 */
public final class ModmaskKernel extends BaseKernel {
    private static volatile ModmaskKernel instance;
    private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger("io.github.spencerpark");

    /** Imports every cell can rely on. */
    static final List<String> STARTUP_IMPORTS = List.of(
            "import java.util.*;", "import java.util.stream.*;", "import java.nio.file.*;",
            "import static org.modmask.kernel.Display.*;",
            "import org.modmask.*;", "import org.modmask.data.*;", "import org.modmask.nn.*;", "import org.modmask.train.*;",
            "import org.modmask.mask.*;", "import org.modmask.analysis.*;", "import org.modmask.plot.*;", "import org.modmask.experiment.*;",
            "import org.modmask.cluster.*;",
            "import tech.tablesaw.api.*;", "import org.nd4j.linalg.factory.Nd4j;", "import org.nd4j.linalg.api.ndarray.INDArray;");

    private final JShell shell;
    private final ObjectExecutionControl control;
    private final Magic magics;
    private final Editing editing;
    private final History history = new History();
    /** The execute request being run, for clear_output (the base library offers no way to send one). */
    private volatile ShellReplyEnvironment currentEnv;
    /** The text of the last cell's result, for history requests with output. */
    private volatile String lastOutput;
    private final long cellTimeoutMs;
    private final LanguageInfo languageInfo = new LanguageInfo.Builder("Java")
            .version(Runtime.version().toString()).mimetype("text/x-java-source").fileExtension(".jshell")
            .pygments("java").codemirror("java").build();

    public ModmaskKernel() {
        ObjectExecutionControl[] holder = new ObjectExecutionControl[1];
        ExecutionControlProvider provider = new ExecutionControlProvider() {
            public String name() {
                return "modmask";
            }

            public ExecutionControl generate(ExecutionEnv env, Map<String, String> params) {
                holder[0] = new ObjectExecutionControl(new CellClassLoader(ModmaskKernel.class.getClassLoader()));
                return holder[0];
            }
        };
        this.shell = JShell.builder().executionEngine(provider, Map.of())
                .compilerOptions("--release", "17", "-Xlint:none").build();
        shell.eval("1");   // forces the execution engine up
        this.control = holder[0];
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            if (!entry.isBlank()) shell.addToClasspath(entry);
        this.magics = new Magic(this);
        this.editing = new Editing(shell, SourceDocs.fromSystem());
        String t = System.getenv("MODMASK_CELL_TIMEOUT");
        this.cellTimeoutMs = t == null || t.isBlank() ? 0 : (long) (Double.parseDouble(t) * 1000);
        instance = this;
        Renderers.register(getRenderer());
        NotebookProgress.install();
        for (String imp : STARTUP_IMPORTS) shell.eval(imp);
    }

    /** The running kernel, or null outside one. */
    public static ModmaskKernel instance() {
        return instance;
    }

    JShell shell() {
        return shell;
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "modmask Java kernel (IJava-compatible), Java " + Runtime.version();
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        Timer timer = null;
        if (cellTimeoutMs > 0) {
            timer = new Timer(true);
            timer.schedule(new TimerTask() {
                public void run() {
                    interrupt();
                }
            }, cellTimeoutMs);
        }
        PrintStream out = System.out, err = System.err;
        long limit = OutputLimit.configured();
        System.setOut(OutputLimit.wrap(out, limit));
        System.setErr(OutputLimit.wrap(err, limit));
        try {
            lastOutput = null;
            Object result = magics.evalCell(code);
            if (result == null) return null;
            DisplayData d = result instanceof DisplayData dd ? dd : getRenderer().render(result);
            Object text = d.getData(MIMEType.TEXT_PLAIN);
            lastOutput = text == null ? null : String.valueOf(text);
            return d;
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
            if (timer != null) timer.cancel();
        }
    }

    /** Evaluates plain Java (no magics); returns the last expression's value, or null. */
    Object evalJava(String code) throws Exception {
        Object last = null;
        String rest = code;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            String snippet = info.source();
            if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE || snippet == null) {
                throw new CellException("incomplete code: " + rest.strip());
            }
            rest = info.remaining();
            last = evalSnippet(snippet);
            // like a notebook user expects: a trailing ';' on the last statement shows nothing
            if (snippet.strip().endsWith(";") && rest.isBlank()) last = null;
        }
        return last;
    }

    /** Ends the JVM, and with it the kernel and every variable: refused, as a restart does it properly. */
    private static final java.util.regex.Pattern EXIT = java.util.regex.Pattern.compile(
            "\\bSystem\\s*\\.\\s*exit\\s*\\(|\\bRuntime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*(exit|halt)\\s*\\(");

    private Object evalSnippet(String snippet) throws Exception {
        if (EXIT.matcher(snippet).find())
            throw new CellException("System.exit would end the kernel and lose every variable of this notebook: "
                    + "use Kernel → Restart instead (refused: " + snippet.strip() + ")");
        control.clearStopped();
        List<SnippetEvent> events = shell.eval(snippet);
        if (control.wasStopped()) throw new CellException("interrupted: the cell was stopped");
        Object value = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            if (e.exception() != null) {
                if (control.wasStopped() || e.exception() instanceof jdk.jshell.EvalException ev
                        && ev.getExceptionClassName().equals(ThreadDeath.class.getName()))
                    throw new CellException("interrupted: the cell was stopped");
                throw e.exception();
            }
            if (e.status() == Snippet.Status.REJECTED) {
                StringBuilder msg = new StringBuilder("compile error:\n");
                shell.diagnostics(e.snippet()).forEach(d -> {
                    msg.append(d.getMessage(Locale.ENGLISH)).append('\n');
                    long start = d.getStartPosition(), end = d.getEndPosition();
                    if (start >= 0 && end >= start && end <= snippet.length())
                        msg.append("    at: ").append(snippet, (int) start, (int) Math.max(end, start)).append('\n');
                });
                throw new CellException(msg.toString().strip());
            }
            Snippet s = e.snippet();
            boolean isValue = s instanceof ExpressionSnippet
                    || s instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
            Object obj = control.take(e.value());
            if (isValue) value = obj;
        }
        return value;
    }

    /** A compile error or interrupt, reported without a Java stack trace. */
    static final class CellException extends Exception {
        CellException(String m) {
            super(m);
        }
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellException) return List.of(errorStyler.primary(e.getMessage()));
        if (e instanceof EvalException ev) {
            List<String> lines = new ArrayList<>();
            lines.add(errorStyler.primary(ev.getExceptionClassName() + ": " + ev.getMessage()));
            for (StackTraceElement el : ev.getStackTrace()) {
                if (el.getClassName().startsWith("jdk.") || el.getClassName().startsWith("java.lang.reflect")
                        || el.getClassName().startsWith("org.modmask.kernel")) continue;
                lines.add(errorStyler.secondary("    at " + el));
            }
            Throwable c = ev.getCause();
            while (c != null) {
                lines.add(errorStyler.primary("caused by " + c));
                c = c.getCause();
            }
            return lines;
        }
        return super.formatError(e);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        return editing.complete(code, at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return editing.inspect(code, at);
    }

    @Override
    public String isComplete(String code) {
        return editing.isComplete(code);
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }

    /**
     * The base library's handlers, with three repairs: every reply carries the {@code status} the message spec
     * requires ({@link Replies}); executed cells go into the history, and {@code store_history: false} does not advance the count;
     * {@code Name?} pages the inspection of Name, as in IPython.
     */
    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(KernelInfoReply.REQUEST_MESSAGE_TYPE, (env, msg) -> {
            env.setBusyDeferIdle();
            env.defer().reply(new Replies.KernelInfo(getLanguageInfo(), getBanner(), getHelpLinks()));
        });
        connection.setHandler(HistoryRequest.MESSAGE_TYPE, (env, msg) -> {
            env.setBusyDeferIdle();
            env.defer().reply(new Replies.History(history.lookup(msg.getContent())));
        });
        connection.setHandler(CommInfoRequest.MESSAGE_TYPE, (env, msg) -> {
            env.setBusyDeferIdle();
            String target = msg.getContent().getTargetName();
            Map<String, CommInfoReply.CommInfo> comms = new LinkedHashMap<>();
            for (var comm : commManager)
                if (target == null || target.equals(comm.getTargetName())) comms.put(comm.getID(), new CommInfoReply.CommInfo(comm.getTargetName()));
            env.defer().reply(new Replies.CommInfo(comms));
        });
        connection.setHandler(InterruptRequest.MESSAGE_TYPE, (env, msg) -> {
            env.setBusyDeferIdle();
            env.defer().reply(new Replies.Interrupt());
            interrupt();
        });
        connection.setHandler(ShutdownRequest.MESSAGE_TYPE, (env, msg) -> {
            boolean restart = msg.getContent().isRestart();
            env.setBusyDeferIdle();
            env.defer().reply(new Replies.Shutdown(restart));
            onShutdown(restart);
            env.resolveDeferrals();
            env.markForShutdown();
        });
        ShellHandler<ExecuteRequest> run = connection.getHandler(ExecuteRequest.MESSAGE_TYPE);
        connection.setHandler(ExecuteRequest.MESSAGE_TYPE, (env, msg) -> {
            ExecuteRequest req = msg.getContent();
            boolean store = req.shouldStoreHistory() && !req.isSilent();
            String page = pageQuery(req.getCode());
            if (page != null) {
                page(env, req.getCode(), page, store);
            } else {
                int number = executionCount.get();
                currentEnv = env;
                try {
                    run.handle(env, msg);
                } finally {
                    currentEnv = null;
                }
                if (store) history.add(number, req.getCode(), lastOutput);
                else executionCount.decrementAndGet();
            }
        });
    }

    /** "Masks?", "?Masks" or "Masks.of??": the name to page, or null for ordinary code. */
    static String pageQuery(String code) {
        var m = java.util.regex.Pattern.compile("\\s*\\?{0,2}([\\w$.]+)\\?{0,2}\\s*").matcher(code);
        if (!m.matches()) return null;
        String t = code.strip();
        return t.startsWith("?") || t.endsWith("?") ? m.group(1) : null;
    }

    private synchronized void page(ShellReplyEnvironment env, String code, String name, boolean store) {
        int number = store ? executionCount.getAndIncrement() : executionCount.get();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(code, number));
        DisplayData d = editing.inspect(name, name.length());
        List<Map<String, Object>> payload = new ArrayList<>();
        if (d == null) env.writeToStdOut("Nothing is known about `" + name + "` here.\n");
        else payload.add(Map.of("source", "page", "start", 0,
                "data", Map.of("text/plain", String.valueOf(d.getData(MIMEType.TEXT_PLAIN)))));
        env.defer().reply(new Replies.Paged(number, payload));
        if (store) history.add(number, code, null);
    }

    /** Clears the cell's output now, or (wait) just before the next output arrives, as IPython's clear_output. */
    void clearOutput(boolean wait) {
        ShellReplyEnvironment env = currentEnv;
        if (env == null) return;
        System.out.flush();
        System.err.flush();
        env.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
    }

    @Override
    public void interrupt() {
        shell.stop();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        shell.close();
    }

    /** Entry point: {@code java ... org.modmask.kernel.ModmaskKernel <connection file>}. */
    public static void main(String[] args) throws Exception {
        // the base library logs every message at INFO on the kernel's stderr
        JUL.setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var h : root.getHandlers()) h.setLevel(java.util.logging.Level.WARNING);
        if (args.length < 1) throw new IllegalArgumentException("usage: ModmaskKernel <connection-file.json>");
        String json = Files.readString(Path.of(args[0]));
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        JupyterConnection connection = new JupyterConnection(props);
        ModmaskKernel kernel = new ModmaskKernel();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }
}
