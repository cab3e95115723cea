package io.ctstream.streams.helper;

import java.util.Set;

/**
 * One helper's tunables, as the kernel module's parameters and {@code nf_conntrack_expect_policy}.
 * Each helper gives its defaults ({@link ConntrackHelper#defaultPolicy}); {@link HelperConfig}
 * overrides them per helper name.
 *
 * @param ports server ports whose masters get the helper ({@code ports=}); empty: the helper is off
 * @param loose expect an announced address other than the sender's (the FTP module's {@code loose})
 * @param maxExpected live expectations per master; a new one evicts the oldest ({@code
 *     max_expected})
 * @param timeoutSeconds expectation lifetime ({@code timeout})
 * @param ipv6 also help IPv6 masters (the kernel's IRC helper registers for IPv4 only)
 */
public record HelperPolicy(
        Set<Integer> ports, boolean loose, int maxExpected, int timeoutSeconds, boolean ipv6) {

    public HelperPolicy {
        ports = Set.copyOf(ports);
        for (int p : ports) {
            requireRange("port", p, 1, 65535);
        }
        requireRange("maxExpected", maxExpected, 1, 255);
        requireRange("timeoutSeconds", timeoutSeconds, 1, Integer.MAX_VALUE);
    }

    private static void requireRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    name + " must be in [" + min + ", " + max + "]: " + v);
        }
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ports = ports;
        b.loose = loose;
        b.maxExpected = maxExpected;
        b.timeoutSeconds = timeoutSeconds;
        b.ipv6 = ipv6;
        return b;
    }

    /** Builds a HelperPolicy: start from {@link #toBuilder()} of the defaults or of another one. */
    public static final class Builder {
        private Set<Integer> ports;
        private boolean loose;
        private int maxExpected;
        private int timeoutSeconds;
        private boolean ipv6;

        private Builder() {}

        public Builder ports(Set<Integer> v) {
            ports = v;
            return this;
        }

        public Builder loose(boolean v) {
            loose = v;
            return this;
        }

        public Builder maxExpected(int v) {
            maxExpected = v;
            return this;
        }

        public Builder timeoutSeconds(int v) {
            timeoutSeconds = v;
            return this;
        }

        public Builder ipv6(boolean v) {
            ipv6 = v;
            return this;
        }

        public HelperPolicy build() {
            return new HelperPolicy(ports, loose, maxExpected, timeoutSeconds, ipv6);
        }
    }
}
