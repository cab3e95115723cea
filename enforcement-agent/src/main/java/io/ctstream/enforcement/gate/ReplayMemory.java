package io.ctstream.enforcement.gate;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The verdict ids this agent has handled, each kept until its verdict expires: after that the
 * expiry check refuses a replay anyway, so the memory stays bounded by the verdicts in flight. On
 * start it is refilled from the reports topic (every reported id). Past {@code capacity} the
 * soonest-expiring ids are forgotten first, and counted.
 */
public final class ReplayMemory {
    private record Entry(String id, long forgetAtMicros) {}

    private final int capacity;
    private final Map<String, Long> ids = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry =
            new PriorityQueue<>((a, b) -> Long.compare(a.forgetAtMicros, b.forgetAtMicros));
    private long forgottenEarly;

    public ReplayMemory(int capacity) {
        this.capacity = capacity;
    }

    public synchronized boolean seen(String verdictId) {
        return ids.containsKey(verdictId);
    }

    /**
     * Remembers {@code verdictId} until {@code forgetAtMicros}; forgets what has expired by {@code
     * nowMicros}.
     */
    public synchronized void remember(String verdictId, long forgetAtMicros, long nowMicros) {
        while (!byExpiry.isEmpty() && byExpiry.peek().forgetAtMicros < nowMicros) {
            forget(byExpiry.poll());
        }
        Long old = ids.put(verdictId, forgetAtMicros);
        if (old == null || old < forgetAtMicros) {
            byExpiry.add(new Entry(verdictId, forgetAtMicros));
        }
        while (ids.size() > capacity) {
            if (forget(byExpiry.poll())) {
                forgottenEarly++;
            }
        }
    }

    /**
     * Forgets the id of {@code e} unless it was remembered again for longer (then {@code e} is
     * stale).
     */
    private boolean forget(Entry e) {
        Long at = ids.get(e.id);
        if (at != null && at == e.forgetAtMicros) {
            ids.remove(e.id);
            return true;
        }
        return false;
    }

    public synchronized int size() {
        return ids.size();
    }

    /** Ids dropped before their verdict expired because the memory was full. */
    public synchronized long forgottenEarly() {
        return forgottenEarly;
    }
}
