package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import java.util.List;

/**
 * What a helper callback may see and do for one packet of one master: the master's tuples, the
 * helper's policy and mode, and the outcomes it reports. An expectation request goes through the
 * master's {@link ExpectationWindow} first, so {@code max_expected} is enforced in one place for
 * every helper.
 */
public final class HelperCall {

    private final String helper;
    private final HelperMode mode;
    private final HelperPolicy policy;
    private final HelperContext context;
    private final boolean established;
    private final long packetIndex;
    private final ExpectationWindow window;
    private final List<HelperOutcome> out;

    public HelperCall(
            String helper,
            HelperMode mode,
            HelperPolicy policy,
            HelperContext context,
            boolean established,
            long packetIndex,
            ExpectationWindow window,
            List<HelperOutcome> out) {
        this.helper = helper;
        this.mode = mode;
        this.policy = policy;
        this.context = context;
        this.established = established;
        this.packetIndex = packetIndex;
        this.window = window;
        this.out = out;
    }

    public String helper() {
        return helper;
    }

    public HelperMode mode() {
        return mode;
    }

    public HelperPolicy policy() {
        return policy;
    }

    public HelperContext context() {
        return context;
    }

    /**
     * Traffic has been seen both ways (the kernel's IP_CT_ESTABLISHED / _REPLY), counting this
     * packet.
     */
    public boolean established() {
        return established;
    }

    /**
     * The number of this packet among the master's packets the helper saw (1 for the first): the
     * position of a datagram, which has no sequence number, in its expectation id.
     */
    public long packetIndex() {
        return packetIndex;
    }

    /**
     * Deterministic: the master, the direction and the stream position of the announcing line or
     * packet.
     */
    public String expectationId(Direction direction, long position) {
        return context.masterId()
                + "/"
                + (direction == Direction.ORIGINAL ? "o" : "r")
                + "/"
                + position;
    }

    /**
     * A helper's decision on an announcement: a request is admitted (evicting what max_expected
     * requires).
     */
    public void decide(HelperOutcome decision) {
        if (decision instanceof ExpectationRequest req) {
            out.addAll(window.admit(req, policy.maxExpected()));
        }
        out.add(decision);
    }

    /**
     * Anything else the helper concluded: a kernel-would-drop, a refusal of a malformed
     * announcement.
     */
    public void report(HelperOutcome outcome) {
        out.add(outcome);
    }
}
