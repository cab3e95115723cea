package io.ctstream.streams.helper;

import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Per-master expectation policy (the kernel's __nf_ct_expect_check for one master): the master's
 * expectations believed live, oldest first. Admitting a new one first drops those whose timeout
 * passed, then replaces an identical tuple of the same master ('replaced'), then evicts the oldest
 * while the master is at its limit ('max-expected': FTP max_expected=1, IRC max_dcc_channels=8).
 *
 * <p>Fulfilment happens elsewhere (the expected connection is on another partition), so this window
 * can hold an expectation that was already used; the eviction it emits then means "evict if still
 * live", and {@link #closed} lets the fulfilment be fed back. With max_expected=1 this is exactly
 * the kernel's rule.
 */
public final class ExpectationWindow {

    private record Entry(String id, ExpectedTuple tuple, long expiresAtMicros) {}

    private final List<Entry> live = new ArrayList<>();

    /**
     * Applies the policy for a new request; returns the evictions it causes (to emit before the
     * request).
     */
    public List<HelperOutcome> admit(ExpectationRequest request, int maxExpected) {
        List<HelperOutcome> evictions = new ArrayList<>();
        long now = request.timestampMicros();
        live.removeIf(e -> e.expiresAtMicros <= now);
        for (Iterator<Entry> it = live.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.tuple.equals(request.expected())) {
                it.remove();
                if (!e.id.equals(request.expectationId())) {
                    evictions.add(eviction(e, request, "replaced"));
                }
            }
        }
        while (live.size() >= maxExpected) {
            evictions.add(eviction(live.remove(0), request, "max-expected"));
        }
        live.add(new Entry(request.expectationId(), request.expected(), request.expiresAtMicros()));
        return evictions;
    }

    private static ExpectationEviction eviction(Entry e, ExpectationRequest by, String reason) {
        return new ExpectationEviction(
                e.id,
                by.expectationId(),
                by.helper(),
                by.mode(),
                by.direction(),
                by.timestampMicros(),
                reason);
    }

    /**
     * The expectation was fulfilled, expired or evicted elsewhere: it no longer counts against the
     * limit.
     */
    public boolean closed(String expectationId) {
        return live.removeIf(e -> e.id.equals(expectationId));
    }

    /** Ids believed live, oldest first. */
    public List<String> liveIds() {
        return live.stream().map(Entry::id).toList();
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeShort(live.size());
        for (Entry e : live) {
            out.writeUTF(e.id);
            writeTuple(out, e.tuple);
            out.writeLong(e.expiresAtMicros);
        }
    }

    public static ExpectationWindow readFrom(DataInput in) throws IOException {
        ExpectationWindow w = new ExpectationWindow();
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            w.live.add(new Entry(in.readUTF(), readTuple(in), in.readLong()));
        }
        return w;
    }

    private static void writeTuple(DataOutput out, ExpectedTuple t) throws IOException {
        out.writeByte(t.ipVersion());
        out.writeByte(t.protocol());
        writeAddress(out, t.src());
        out.writeInt(t.srcPort() == null ? -1 : t.srcPort());
        writeAddress(out, t.dst());
        out.writeShort(t.dstPort());
    }

    private static ExpectedTuple readTuple(DataInput in) throws IOException {
        int v = in.readUnsignedByte();
        int proto = in.readUnsignedByte();
        InetAddress src = readAddress(in);
        int sp = in.readInt();
        InetAddress dst = readAddress(in);
        if (dst == null) {
            throw new IOException("corrupt expectation window: no destination");
        }
        return new ExpectedTuple(v, proto, src, sp < 0 ? null : sp, dst, in.readUnsignedShort());
    }

    static void writeAddress(DataOutput out, InetAddress a) throws IOException {
        if (a == null) {
            out.writeByte(0);
        } else {
            byte[] b = a.getAddress();
            out.writeByte(b.length);
            out.write(b);
        }
    }

    static InetAddress readAddress(DataInput in) throws IOException {
        int n = in.readUnsignedByte();
        if (n == 0) {
            return null;
        }
        if (n != 4 && n != 16) {
            throw new IOException("corrupt address length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return Addresses.fromBytes(b);
    }
}
