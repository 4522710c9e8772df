package org.modmask.nn;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** SameDiff prints "Added differentiated op …" on standard output when it first builds a gradient; hide it. */
final class Quiet {
    private Quiet() {
    }

    static synchronized <T> T stdout(Supplier<T> body) {
        PrintStream out = System.out;
        PrintStream filter = new PrintStream(new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                String s = toString(StandardCharsets.UTF_8);
                int nl;
                while ((nl = s.indexOf('\n')) >= 0) {
                    String line = s.substring(0, nl + 1);
                    if (!line.startsWith("Added differentiated op")) out.print(line);
                    s = s.substring(nl + 1);
                }
                reset();
                if (!s.isEmpty()) out.print(s);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(filter);
        try {
            return body.get();
        } finally {
            filter.flush();
            System.setOut(out);
        }
    }
}
