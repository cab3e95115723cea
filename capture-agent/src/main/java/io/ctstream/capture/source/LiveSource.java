package io.ctstream.capture.source;

import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.decode.UnsupportedLinkTypeException;
import io.ctstream.capture.file.CapturedFrame;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live capture on one or more interfaces through pcap4j, one thread per interface. Frames are read
 * raw ({@link PcapHandle#getNextRawPacket()}): pcap4j's packet factories are never used, the
 * project's own decoder parses the bytes. libpcap's statistics are refreshed once a second.
 */
public final class LiveSource implements PacketSource {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSource.class);
    private static final long STATS_EVERY_NANOS = 1_000_000_000L;

    private final LiveCaptureOptions options;
    private final Map<String, PcapCounters> stats = new ConcurrentHashMap<>();
    private final List<PcapHandle> handles = new ArrayList<>();
    private volatile boolean stopped;

    /** libpcap's counters for one interface. */
    public static final class PcapCounters {
        public final AtomicLong received = new AtomicLong();
        public final AtomicLong dropped = new AtomicLong();
        public final AtomicLong ifDropped = new AtomicLong();
        public final AtomicLong captured = new AtomicLong();
    }

    public LiveSource(LiveCaptureOptions options) {
        this.options = options;
        for (String itf : options.interfaces()) {
            stats.put(itf, new PcapCounters());
        }
    }

    public Map<String, PcapCounters> pcapStats() {
        return stats;
    }

    /**
     * Opens every interface now (so setup errors surface before anything runs).
     *
     * @throws CaptureSetupException with a clear message for a missing libpcap, an unknown
     *     interface, no permission, a bad filter or an unknown link type
     */
    public synchronized void open() {
        if (!handles.isEmpty()) {
            return;
        }
        try {
            if (options.netns() == null) {
                openAll();
            } else {
                NetworkNamespaceThread.call(
                        options.netns(),
                        () -> {
                            openAll();
                            return null;
                        });
            }
        } catch (RuntimeException e) {
            closeHandles();
            throw e;
        }
    }

    private void openAll() {
        for (String itf : options.interfaces()) {
            handles.add(openOne(itf));
        }
    }

    private PcapHandle openOne(String itf) {
        PcapNetworkInterface nif;
        try {
            nif = Pcaps.getDevByName(itf);
        } catch (PcapNativeException e) {
            throw new CaptureSetupException(
                    "cannot list capture interfaces: "
                            + e.getMessage()
                            + " (is libpcap installed? Debian: apt-get install libpcap0.8)",
                    e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureSetupException(
                    "libpcap could not be loaded (Debian: apt-get install libpcap0.8): "
                            + e.getMessage(),
                    e);
        }
        if (nif == null) {
            throw new CaptureSetupException(
                    "unknown interface '" + itf + "'; available: " + deviceNames(), null);
        }
        PcapHandle h;
        try {
            h =
                    new PcapHandle.Builder(itf)
                            .snaplen(options.snaplen())
                            .promiscuousMode(
                                    options.promiscuous()
                                            ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                            .timeoutMillis(options.timeoutMillis())
                            .bufferSize(options.bufferBytes())
                            .immediateMode(options.immediate())
                            .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
                            .build();
        } catch (PcapNativeException e) {
            throw new CaptureSetupException(explain(itf, e.getMessage()), e);
        }
        try {
            int dlt = h.getDlt().value();
            if (!LinkType.isSupported(dlt)) {
                throw new UnsupportedLinkTypeException(dlt, "interface " + itf);
            }
            if (options.inboundOnly()) {
                try {
                    h.setDirection(PcapHandle.PcapDirection.IN);
                } catch (PcapNativeException e) {
                    throw new CaptureSetupException(
                            "cannot capture only inbound packets on " + itf + ": " + e.getMessage(),
                            e);
                }
            }
            if (options.bpfFilter() != null && !options.bpfFilter().isBlank()) {
                h.setFilter(options.bpfFilter(), BpfProgram.BpfCompileMode.OPTIMIZE);
            }
            return h;
        } catch (PcapNativeException | NotOpenException e) {
            h.close();
            throw new CaptureSetupException(
                    "cannot set BPF filter '"
                            + options.bpfFilter()
                            + "' on "
                            + itf
                            + ": "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private static String explain(String itf, String msg) {
        String m = msg == null ? "" : msg;
        if (m.contains("permission") || m.contains("Operation not permitted")) {
            return "no permission to capture on "
                    + itf
                    + ": "
                    + m
                    + " (run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN to the java binary)";
        }
        if (m.contains("No such device") || m.contains("doesn't exist")) {
            return "unknown interface '" + itf + "': " + m;
        }
        return "cannot open " + itf + " for capture: " + m;
    }

    private static String deviceNames() {
        try {
            List<String> names = new ArrayList<>();
            for (PcapNetworkInterface d : Pcaps.findAllDevs()) {
                names.add(d.getName());
            }
            return String.join(", ", names);
        } catch (PcapNativeException | RuntimeException e) {
            return "(cannot list: " + e.getMessage() + ")";
        }
    }

    @Override
    public void run(Supplier<FrameSink> sinks) throws IOException {
        open();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < handles.size(); i++) {
            PcapHandle h = handles.get(i);
            String itf = options.interfaces().get(i);
            int id = i;
            FrameSink sink = sinks.get();
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    loop(h, itf, id, sink);
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                    stopped = true;
                                }
                            },
                            "ctstream-capture-" + itf);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            closeHandles();
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IOException("live capture failed: " + f.getMessage(), f);
        }
    }

    private void loop(PcapHandle h, String itf, int id, FrameSink sink) throws NotOpenException {
        CapturedFrame frame = new CapturedFrame();
        int linkType = h.getDlt().value();
        PcapCounters counters = stats.get(itf);
        long nextStats = System.nanoTime() + STATS_EVERY_NANOS;
        while (!stopped) {
            byte[] raw = h.getNextRawPacket();
            if (raw != null) {
                Timestamp ts = h.getTimestamp();
                long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                Integer orig = h.getOriginalLength();
                frame.set(
                        raw,
                        raw.length,
                        orig == null ? raw.length : orig,
                        nanos,
                        linkType,
                        id,
                        itf);
                counters.captured.incrementAndGet();
                sink.accept(frame);
            }
            long now = System.nanoTime();
            if (now >= nextStats) {
                nextStats = now + STATS_EVERY_NANOS;
                refreshStats(h, counters);
            }
        }
        refreshStats(h, counters);
    }

    private static void refreshStats(PcapHandle h, PcapCounters c) {
        try {
            PcapStat s = h.getStats();
            c.received.set(s.getNumPacketsReceived());
            c.dropped.set(s.getNumPacketsDropped());
            c.ifDropped.set(s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            LOG.debug("pcap_stats failed: {}", e.toString());
        }
    }

    private synchronized void closeHandles() {
        for (PcapHandle h : handles) {
            h.close();
        }
        handles.clear();
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public String describe() {
        return "live capture on "
                + String.join(", ", options.interfaces())
                + (options.netns() == null ? "" : " in network namespace " + options.netns())
                + (options.inboundOnly() ? " (inbound only)" : "")
                + (options.bpfFilter() == null ? "" : " with filter '" + options.bpfFilter() + "'");
    }
}
