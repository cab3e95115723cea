package io.ctstream.enforcement.hold;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The new connections' first packets that the gateway's policy would have dropped and queued to the
 * agent instead, waiting a bounded time for their pinhole (the data connection's SYN usually
 * follows the announcement by about a millisecond, well before any pipeline can open the pinhole;
 * the kernel's helper opens it synchronously). Pure and thread-safe: the queue thread adds packets
 * and takes the verdicts, the agent's thread reports the pinholes it applied.
 *
 * <p>A packet is released (accepted) as soon as a pinhole that admits it is applied, or at once if
 * one applied in the last {@code rememberMillis} admits it (the element was added after nft looked
 * but before the packet reached the queue); after {@code holdMillis} without one it is dropped, as
 * the policy would have done at once. At most {@code maxHeld} packets wait; beyond, a new one is
 * dropped at once and counted.
 */
public final class HeldPackets {
    /** What to do with a queued packet. */
    public enum Verdict {
        ACCEPT,
        DROP
    }

    /** A verdict for one queued packet, with how long it waited. */
    public record Decision(int packetId, Verdict verdict, long heldMillis, String reason) {}

    private record Held(HeldTuple tuple, long sinceMillis) {}

    private record Recent(PinholeMatch match, long untilMillis) {}

    private final long holdMillis;
    private final long rememberMillis;
    private final int maxHeld;
    private final Map<Integer, Held> held = new LinkedHashMap<>();
    private final List<Recent> recent = new ArrayList<>();

    public HeldPackets(long holdMillis, long rememberMillis, int maxHeld) {
        if (holdMillis < 1 || rememberMillis < 0 || maxHeld < 1) {
            throw new IllegalArgumentException(
                    "hold must be >= 1 ms, remember >= 0 ms, max held >= 1");
        }
        this.holdMillis = holdMillis;
        this.rememberMillis = rememberMillis;
        this.maxHeld = maxHeld;
    }

    /**
     * A packet reached the queue: decided at once (a recent pinhole admits it, or no room), or held
     * (empty list).
     */
    public synchronized List<Decision> arrived(int packetId, HeldTuple tuple, long nowMillis) {
        forgetOld(nowMillis);
        for (Recent r : recent) {
            if (r.match().admits(tuple)) {
                return List.of(new Decision(packetId, Verdict.ACCEPT, 0, "pinhole"));
            }
        }
        if (held.size() >= maxHeld) {
            return List.of(new Decision(packetId, Verdict.DROP, 0, "hold-full"));
        }
        held.put(packetId, new Held(tuple, nowMillis));
        return List.of();
    }

    /** A pinhole was applied: the held packets it admits are released. */
    public synchronized List<Decision> applied(PinholeMatch match, long nowMillis) {
        recent.removeIf(r -> r.match().sameAs(match));
        recent.add(new Recent(match, nowMillis + rememberMillis));
        List<Decision> out = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Held> e = it.next();
            if (match.admits(e.getValue().tuple())) {
                out.add(
                        new Decision(
                                e.getKey(),
                                Verdict.ACCEPT,
                                nowMillis - e.getValue().sinceMillis(),
                                "pinhole"));
                it.remove();
            }
        }
        return out;
    }

    /** A pinhole was revoked or removed: it no longer releases anything. */
    public synchronized void removed(PinholeMatch match) {
        recent.removeIf(r -> r.match().sameAs(match));
    }

    /** Packets held for {@code holdMillis} without a pinhole: dropped. */
    public synchronized List<Decision> expired(long nowMillis) {
        forgetOld(nowMillis);
        List<Decision> out = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Held> e = it.next();
            long waited = nowMillis - e.getValue().sinceMillis();
            if (waited < holdMillis) {
                break; // in arrival order
            }
            out.add(new Decision(e.getKey(), Verdict.DROP, waited, "no-pinhole"));
            it.remove();
        }
        return out;
    }

    public synchronized int size() {
        return held.size();
    }

    private void forgetOld(long nowMillis) {
        recent.removeIf(r -> r.untilMillis() < nowMillis);
    }
}
