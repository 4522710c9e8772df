package org.modmask.kernel;

import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.reply.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replies as Jupyter's message spec (v5) writes them. The base library leaves the required {@code status} out of
 * kernel_info, history, comm_info, interrupt and shutdown replies, which strict clients and Jupyter's conformance
 * suite reject; execute_reply gets the pager payload IPython's {@code Name?} uses.
 */
final class Replies {
    private Replies() {
    }

    static final class KernelInfo extends KernelInfoReply {
        @SuppressWarnings("unused")     // serialized
        private final String status = "ok";

        KernelInfo(LanguageInfo lang, String banner, List<LanguageInfo.Help> help) {
            super(Header.PROTOCOL_VERISON, "modmask", version(), lang, banner, help);
        }

        private static String version() {
            String v = ModmaskKernel.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }

    static final class Paged extends ExecuteReply {
        @SuppressWarnings("unused")     // serialized
        private final List<Map<String, Object>> payload;

        Paged(int count, List<Map<String, Object>> payload) {
            super(count, Map.of());
            this.payload = payload;
        }
    }

    /**
     * history_reply as the spec writes its entries, {@code [session, line, input]} or
     * {@code [session, line, [input, output]]}: the base library's adapter for them is not used by its own writer.
     */
    static final class History implements ContentType<History> {
        @SuppressWarnings("unused")     // serialized
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final List<List<Object>> history = new ArrayList<>();

        History(List<HistoryEntry> entries) {
            for (HistoryEntry e : entries)
                history.add(List.of(e.getSession(), e.getCellNumber(), e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput()));
        }

        @Override
        @SuppressWarnings("unchecked")
        public MessageType<History> getType() {
            return (MessageType<History>) (MessageType<?>) HistoryReply.MESSAGE_TYPE;
        }
    }

    static final class CommInfo extends CommInfoReply {
        @SuppressWarnings("unused")     // serialized
        private final String status = "ok";

        CommInfo(Map<String, CommInfoReply.CommInfo> comms) {
            super(comms);
        }
    }

    static final class Interrupt extends InterruptReply {
        @SuppressWarnings("unused")     // serialized
        private final String status = "ok";
    }

    /** The base library's ShutdownReply cannot be extended (private constructor); same message type, with status. */
    static final class Shutdown implements ContentType<Shutdown> {
        @SuppressWarnings("unused")     // serialized
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final boolean restart;

        Shutdown(boolean restart) {
            this.restart = restart;
        }

        @Override
        @SuppressWarnings("unchecked")
        public MessageType<Shutdown> getType() {
            return (MessageType<Shutdown>) (MessageType<?>) ShutdownReply.MESSAGE_TYPE;
        }
    }
}
