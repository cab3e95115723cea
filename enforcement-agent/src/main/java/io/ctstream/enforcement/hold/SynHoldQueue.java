package io.ctstream.enforcement.hold;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.ctstream.avro.VerdictMatch;
import io.ctstream.enforcement.agent.PinholeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the first packets of new connections that the gateway's policy would drop, for up to a
 * bounded time, and lets each through the moment the agent applies a pinhole that admits it ({@link
 * HeldPackets}). The gateway's own ruleset marks those packets instead of dropping them, and the
 * rule {@link SynHoldRules} installs queues the marked ones to netfilter queue {@code number},
 * which this class reads (libnetfilter_queue). A dropped SYN costs the client a 1 s retransmission
 * timeout; the kernel's helpers open their expectation synchronously, a pipeline cannot, so the
 * gateway waits instead of dropping (issue 16).
 *
 * <p>One thread reads the queue and gives every verdict: on arrival (a pinhole applied a moment
 * before admits it), when the agent reports an applied pinhole ({@link #applied}), or after the
 * hold time (drop). If this process dies, the queue has no reader and the kernel drops the queued
 * packets: the gateway fails closed, as its policy would.
 */
public final class SynHoldQueue implements AutoCloseable, PinholeListener {
    private static final Logger LOG = LoggerFactory.getLogger(SynHoldQueue.class);
    private static final int BUFFER = 0xffff;
    private static final long RECEIVE_TIMEOUT_MICROS = 2_000;

    private final NetfilterQueueLibrary nfq;
    private final NetfilterQueueLibrary.LibC libc;
    private final int number;
    private final HeldPackets held;
    private final LongSupplier clockMillis;
    private final ConcurrentLinkedQueue<HeldPackets.Decision> decided =
            new ConcurrentLinkedQueue<>();
    private final Counter accepted;
    private final Counter dropped;
    private final Counter unparsed;
    private final DistributionSummary heldMillis;
    private final NetfilterQueueLibrary.PacketCallback callback =
            this::onPacket; // kept: JNA holds it weakly
    private Pointer handle;
    private Pointer queue;
    private Thread thread;
    private volatile boolean closing;

    private SynHoldQueue(
            NetfilterQueueLibrary nfq,
            NetfilterQueueLibrary.LibC libc,
            int number,
            HeldPackets held,
            MeterRegistry meters,
            String gatewayId,
            LongSupplier clockMillis) {
        this.nfq = nfq;
        this.libc = libc;
        this.number = number;
        this.held = held;
        this.clockMillis = clockMillis;
        this.accepted =
                meters.counter(
                        "ctstream.enforcement.held", "gateway", gatewayId, "outcome", "accepted");
        this.dropped =
                meters.counter(
                        "ctstream.enforcement.held", "gateway", gatewayId, "outcome", "dropped");
        this.unparsed =
                meters.counter(
                        "ctstream.enforcement.held", "gateway", gatewayId, "outcome", "unparsed");
        this.heldMillis =
                DistributionSummary.builder("ctstream.enforcement.held.millis")
                        .tag("gateway", gatewayId)
                        .baseUnit("milliseconds")
                        .publishPercentiles(0.5, 0.99)
                        .register(meters);
    }

    /**
     * Binds netfilter queue {@code number} and starts reading it.
     *
     * @param netns the network namespace of the gateway (a path such as {@code /var/run/netns/gw}),
     *     or null for this process's own: the queue thread alone enters it, so the rest of the
     *     agent stays where it is
     * @throws HoldQueueException when libnetfilter_queue is missing, the process lacks
     *     CAP_NET_ADMIN, or another process holds the queue
     */
    public static SynHoldQueue open(
            int number, String netns, HeldPackets held, MeterRegistry meters, String gatewayId) {
        NetfilterQueueLibrary nfq;
        NetfilterQueueLibrary.LibC libc;
        try {
            nfq = Native.load("netfilter_queue", NetfilterQueueLibrary.class);
            libc = Native.load("c", NetfilterQueueLibrary.LibC.class);
        } catch (UnsatisfiedLinkError e) {
            throw new HoldQueueException(
                    "holding new connections needs libnetfilter_queue (Debian: apt install "
                            + "libnetfilter-queue1): "
                            + e.getMessage());
        }
        SynHoldQueue q =
                new SynHoldQueue(
                        nfq, libc, number, held, meters, gatewayId, System::currentTimeMillis);
        CompletableFuture<Void> bound = new CompletableFuture<>();
        q.thread =
                new Thread(
                        () -> {
                            try {
                                if (netns != null) {
                                    q.enter(netns);
                                }
                                q.bind();
                                bound.complete(null);
                            } catch (RuntimeException e) {
                                bound.completeExceptionally(e);
                                return;
                            }
                            q.loop();
                        },
                        "ctstream-syn-hold-" + number);
        q.thread.setDaemon(true);
        q.thread.start();
        try {
            bound.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof HoldQueueException h
                    ? h
                    : new HoldQueueException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            q.closing = true;
            throw new HoldQueueException("netfilter queue " + number + " did not bind within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoldQueueException("interrupted while binding netfilter queue " + number);
        }
        return q;
    }

    private void enter(String netns) {
        int fd = libc.open(netns, NetfilterQueueLibrary.LibC.O_RDONLY);
        if (fd < 0) {
            throw new HoldQueueException("cannot open network namespace " + netns);
        }
        try {
            if (libc.setns(fd, NetfilterQueueLibrary.LibC.CLONE_NEWNET) != 0) {
                throw new HoldQueueException(
                        "cannot enter network namespace " + netns + " (needs root)");
            }
        } finally {
            libc.close(fd);
        }
    }

    private void bind() {
        handle = nfq.nfq_open();
        if (handle == null) {
            throw new HoldQueueException(
                    "cannot open netfilter queue handle (needs root or CAP_NET_ADMIN)");
        }
        nfq.nfq_bind_pf(
                handle, NetfilterQueueLibrary.AF_INET); // a no-op on kernels >= 3.8, needed before
        nfq.nfq_bind_pf(handle, NetfilterQueueLibrary.AF_INET6);
        queue = nfq.nfq_create_queue(handle, (short) number, callback, null);
        if (queue == null) {
            nfq.nfq_close(handle);
            throw new HoldQueueException(
                    "cannot bind netfilter queue " + number + " (is another process reading it?)");
        }
        if (nfq.nfq_set_mode(queue, NetfilterQueueLibrary.NFQNL_COPY_PACKET, 128) < 0) {
            throw new HoldQueueException("cannot set copy mode on netfilter queue " + number);
        }
        nfq.nfq_set_queue_maxlen(queue, 4096);
        // a receive timeout, so that the loop also gives the verdicts the agent's thread decided
        // and the expired ones
        int fd = nfq.nfq_fd(handle);
        libc.setsockopt(
                fd,
                NetfilterQueueLibrary.LibC.SOL_SOCKET,
                NetfilterQueueLibrary.LibC.SO_RCVTIMEO,
                new long[] {0, RECEIVE_TIMEOUT_MICROS},
                16);
    }

    /** The agent applied an ALLOW: packets it admits go through now. Any thread. */
    @Override
    public void applied(VerdictMatch match) {
        decided.addAll(held.applied(PinholeMatch.of(match), clockMillis.getAsLong()));
    }

    /** The agent removed a pinhole (REVOKE): it releases nothing any more. Any thread. */
    @Override
    public void removed(VerdictMatch match) {
        held.removed(PinholeMatch.of(match));
    }

    public int held() {
        return held.size();
    }

    private void loop() {
        byte[] buffer = new byte[BUFFER];
        int fd = nfq.nfq_fd(handle);
        while (!closing) {
            NativeLong n = libc.recv(fd, buffer, new NativeLong(buffer.length), 0);
            if (n.intValue() > 0) {
                nfq.nfq_handle_packet(handle, buffer, n.intValue());
            }
            List<HeldPackets.Decision> due = new ArrayList<>();
            for (HeldPackets.Decision d; (d = decided.poll()) != null; ) {
                due.add(d);
            }
            due.addAll(held.expired(clockMillis.getAsLong()));
            due.forEach(this::verdict);
        }
    }

    private int onPacket(Pointer q, Pointer message, Pointer data, Pointer userData) {
        Pointer header = nfq.nfq_get_msg_packet_hdr(data);
        if (header == null) {
            return 0;
        }
        int id = Integer.reverseBytes(header.getInt(0)); // network byte order
        PointerByReference payload = new PointerByReference();
        int length = nfq.nfq_get_payload(data, payload);
        byte[] packet = length > 0 ? payload.getValue().getByteArray(0, length) : new byte[0];
        HeldTuple.parse(packet, packet.length)
                .ifPresentOrElse(
                        tuple ->
                                held.arrived(id, tuple, clockMillis.getAsLong())
                                        .forEach(this::verdict),
                        () -> {
                            // not a TCP/UDP first packet we can match: what the policy would have
                            // done
                            unparsed.increment();
                            verdict(
                                    new HeldPackets.Decision(
                                            id, HeldPackets.Verdict.DROP, 0, "unparsed"));
                        });
        return 0;
    }

    private void verdict(HeldPackets.Decision d) {
        int v =
                d.verdict() == HeldPackets.Verdict.ACCEPT
                        ? NetfilterQueueLibrary.NF_ACCEPT
                        : NetfilterQueueLibrary.NF_DROP;
        nfq.nfq_set_verdict(queue, d.packetId(), v, 0, null);
        (d.verdict() == HeldPackets.Verdict.ACCEPT ? accepted : dropped).increment();
        heldMillis.record(d.heldMillis());
        if (d.verdict() == HeldPackets.Verdict.ACCEPT && d.heldMillis() > 0) {
            LOG.info(
                    "netfilter queue {}: released a new connection's first packet after {} ms (its pinhole)",
                    number,
                    d.heldMillis());
        }
    }

    @Override
    public void close() {
        closing = true;
        if (thread != null) {
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (queue != null) {
            // what is still held: dropped, as the policy would have
            held.expired(Long.MAX_VALUE).forEach(this::verdict);
            nfq.nfq_destroy_queue(queue);
            queue = null;
        }
        if (handle != null) {
            nfq.nfq_close(handle);
            handle = null;
        }
    }
}
