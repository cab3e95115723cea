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

    public HelperPolicy withPorts(Set<Integer> v) {
        return new HelperPolicy(v, loose, maxExpected, timeoutSeconds, ipv6);
    }

    public HelperPolicy withLoose(boolean v) {
        return new HelperPolicy(ports, v, maxExpected, timeoutSeconds, ipv6);
    }

    public HelperPolicy withMaxExpected(int v) {
        return new HelperPolicy(ports, loose, v, timeoutSeconds, ipv6);
    }

    public HelperPolicy withTimeoutSeconds(int v) {
        return new HelperPolicy(ports, loose, maxExpected, v, ipv6);
    }

    public HelperPolicy withIpv6(boolean v) {
        return new HelperPolicy(ports, loose, maxExpected, timeoutSeconds, v);
    }
}
