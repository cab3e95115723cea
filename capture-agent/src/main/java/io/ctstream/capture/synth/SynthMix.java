package io.ctstream.capture.synth;

import java.util.Locale;

/** The traffic {@link Synth} writes. */
public enum SynthMix {
    /**
     * Heavy-tailed: flow sizes drawn from a Pareto distribution (tail index 1.2), so most flows
     * carry a few packets and most packets travel in a few large flows, with full-size data
     * segments and small ACKs; DNS, ping, refused connections, FTP and IRC sessions with their data
     * connections around them.
     */
    DEFAULT,
    /**
     * A SYN flood: one SYN per flow, from many sources and ports to one server; no flow has a
     * second packet.
     */
    SYN_FLOOD;

    /** The command-line name: {@code default}, {@code syn-flood}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SynthMix fromCli(String name) {
        for (SynthMix m : values()) {
            if (m.cliName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mix '" + name + "': default or syn-flood");
    }
}
