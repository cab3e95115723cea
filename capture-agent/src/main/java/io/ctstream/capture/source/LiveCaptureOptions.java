package io.ctstream.capture.source;

import java.util.List;

/**
 * How to open live interfaces.
 *
 * @param interfaces interface names (as {@code ip link} shows them; "any" for all)
 * @param bpfFilter a BPF filter expression, or null for everything
 * @param snaplen bytes kept per frame
 * @param promiscuous promiscuous mode
 * @param bufferBytes kernel capture buffer size
 * @param immediate deliver each packet at once instead of waiting for a buffer to fill
 * @param timeoutMillis read timeout: how often a quiet capture thread checks for stop and stats
 * @param netns a network namespace ({@code ip netns} name) whose interfaces these are, or null for
 *     the JVM's own; only the capture sockets are opened there, Kafka stays in the JVM's
 * @param inboundOnly only what each interface received: on a router capturing on every interface,
 *     each forwarded packet once (as conntrack sees it in PREROUTING), not again on its way out
 */
public record LiveCaptureOptions(
        List<String> interfaces,
        String bpfFilter,
        int snaplen,
        boolean promiscuous,
        int bufferBytes,
        boolean immediate,
        int timeoutMillis,
        String netns,
        boolean inboundOnly) {
    public LiveCaptureOptions(
            List<String> interfaces,
            String bpfFilter,
            int snaplen,
            boolean promiscuous,
            int bufferBytes,
            boolean immediate,
            int timeoutMillis) {
        this(
                interfaces,
                bpfFilter,
                snaplen,
                promiscuous,
                bufferBytes,
                immediate,
                timeoutMillis,
                null,
                false);
    }

    public LiveCaptureOptions {
        if (interfaces == null || interfaces.isEmpty()) {
            throw new IllegalArgumentException("no interface to capture on");
        }
        if (snaplen < 64) {
            throw new IllegalArgumentException("snaplen must be >= 64, got " + snaplen);
        }
        if (bufferBytes < 0 || timeoutMillis < 1) {
            throw new IllegalArgumentException("buffer size must be >= 0 and timeout >= 1 ms");
        }
        interfaces = List.copyOf(interfaces);
        if (netns != null) {
            NetworkNamespaceThread.path(netns); // a bad name fails here, not at open
        }
    }

    public static LiveCaptureOptions defaults(List<String> interfaces) {
        return new LiveCaptureOptions(interfaces, null, 65535, true, 16 * 1024 * 1024, true, 100);
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.interfaces = interfaces;
        b.bpfFilter = bpfFilter;
        b.snaplen = snaplen;
        b.promiscuous = promiscuous;
        b.bufferBytes = bufferBytes;
        b.immediate = immediate;
        b.timeoutMillis = timeoutMillis;
        b.netns = netns;
        b.inboundOnly = inboundOnly;
        return b;
    }

    /**
     * Builds a LiveCaptureOptions: start from {@link #toBuilder()} of the defaults or of another
     * one.
     */
    public static final class Builder {
        private List<String> interfaces;
        private String bpfFilter;
        private int snaplen;
        private boolean promiscuous;
        private int bufferBytes;
        private boolean immediate;
        private int timeoutMillis;
        private String netns;
        private boolean inboundOnly;

        private Builder() {}

        public Builder interfaces(List<String> v) {
            interfaces = v;
            return this;
        }

        public Builder bpfFilter(String v) {
            bpfFilter = v;
            return this;
        }

        public Builder snaplen(int v) {
            snaplen = v;
            return this;
        }

        public Builder promiscuous(boolean v) {
            promiscuous = v;
            return this;
        }

        public Builder bufferBytes(int v) {
            bufferBytes = v;
            return this;
        }

        public Builder immediate(boolean v) {
            immediate = v;
            return this;
        }

        public Builder timeoutMillis(int v) {
            timeoutMillis = v;
            return this;
        }

        public Builder netns(String v) {
            netns = v;
            return this;
        }

        public Builder inboundOnly(boolean v) {
            inboundOnly = v;
            return this;
        }

        public LiveCaptureOptions build() {
            return new LiveCaptureOptions(
                    interfaces,
                    bpfFilter,
                    snaplen,
                    promiscuous,
                    bufferBytes,
                    immediate,
                    timeoutMillis,
                    netns,
                    inboundOnly);
        }
    }
}
