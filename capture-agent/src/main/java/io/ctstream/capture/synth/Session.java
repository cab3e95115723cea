package io.ctstream.capture.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The packets of one synthetic session, in order. Small sessions are built whole ({@link #of}); a
 * large transfer overrides {@link #refill} to make its next few packets only when the earlier ones
 * are written, so the generator's memory does not grow with a flow's size.
 */
abstract class Session {
    private final ArrayDeque<Pkt> ready = new ArrayDeque<>();
    private final List<Pkt> scratch = new ArrayList<>();
    private boolean exhausted;

    static Session of(List<Pkt> packets) {
        Session s =
                new Session() {
                    @Override
                    boolean refill(List<Pkt> out) {
                        return false;
                    }
                };
        s.ready.addAll(packets);
        return s;
    }

    /** Appends the session's next packets to {@code out}; false when there are none left. */
    abstract boolean refill(List<Pkt> out);

    final Pkt next() {
        fill();
        return ready.poll();
    }

    /** Moves the session's next round (what one {@link #refill} made) into {@code into}. */
    final void takeRound(Collection<Pkt> into) {
        fill();
        into.addAll(ready);
        ready.clear();
    }

    /**
     * True when the session sends in rounds that leave back to back (a TCP sender's window), false
     * when its packets take turns one at a time with the other sessions'.
     */
    boolean sendsRounds() {
        return false;
    }

    final boolean done() {
        fill();
        return ready.isEmpty();
    }

    private void fill() {
        while (ready.isEmpty() && !exhausted) {
            scratch.clear();
            exhausted = !refill(scratch);
            ready.addAll(scratch);
        }
    }
}
