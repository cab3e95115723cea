package io.ctstream.streams.helper;

import io.ctstream.avro.HelperMode;
import io.ctstream.schemas.IpProtocol;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the FTP and IRC helpers can be told, with the kernel's defaults: ports 21 and 6667
 * ({@code ports=}), {@code loose=0}, FTP {@code max_expected=1}, IRC {@code max_dcc_channels=8}, 300 s
 * expectation timeouts, IRC on IPv4 only; plus ctstream's own: the mode and the robust mode's bounds.
 *
 * @param mode                   KERNEL reproduces nf_conntrack_ftp/irc per segment; ROBUST reassembles (default)
 * @param ftpPorts               server ports that get the FTP helper
 * @param ircPorts               server ports that get the IRC helper
 * @param ftpLoose               kernel {@code loose}: expect an announced address other than the sender's
 * @param ircLoose               the same for DCC (the kernel has no such switch: always strict)
 * @param ftpMaxExpected         live expectations per FTP master; a new one evicts the oldest
 * @param ircMaxDccChannels      live expectations per IRC master; a new one evicts the oldest
 * @param ftpTimeoutSeconds      expectation lifetime for FTP
 * @param ircTimeoutSeconds      expectation lifetime for DCC ({@code dcc_timeout})
 * @param ircIpv6                also run the IRC helper on IPv6 masters (the kernel's is IPv4 only)
 * @param lineBufferBytes        robust mode: longest control line kept (Zeek's 4 KiB)
 * @param reassemblyWindowBytes  robust mode: out-of-order bytes held per direction
 * @param reassemblyMaxSegments  robust mode: out-of-order segments held per direction
 */
public record HelperConfig(
    HelperMode mode,
    Set<Integer> ftpPorts,
    Set<Integer> ircPorts,
    boolean ftpLoose,
    boolean ircLoose,
    int ftpMaxExpected,
    int ircMaxDccChannels,
    int ftpTimeoutSeconds,
    int ircTimeoutSeconds,
    boolean ircIpv6,
    int lineBufferBytes,
    int reassemblyWindowBytes,
    int reassemblyMaxSegments) {

    public HelperConfig {
        Objects.requireNonNull(mode, "mode");
        ftpPorts = Set.copyOf(ftpPorts);
        ircPorts = Set.copyOf(ircPorts);
        for (int p : ftpPorts) {
            requireRange("ftp port", p, 1, 65535);
        }
        for (int p : ircPorts) {
            requireRange("irc port", p, 1, 65535);
        }
        requireRange("ftpMaxExpected", ftpMaxExpected, 1, 255);
        requireRange("ircMaxDccChannels", ircMaxDccChannels, 1, 255);
        requireRange("ftpTimeoutSeconds", ftpTimeoutSeconds, 1, Integer.MAX_VALUE);
        requireRange("ircTimeoutSeconds", ircTimeoutSeconds, 1, Integer.MAX_VALUE);
        requireRange("lineBufferBytes", lineBufferBytes, 16, 1 << 20);
        requireRange("reassemblyWindowBytes", reassemblyWindowBytes, 1, 1 << 24);
        requireRange("reassemblyMaxSegments", reassemblyMaxSegments, 1, 1 << 16);
    }

    private static void requireRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + v);
        }
    }

    /** The kernel's defaults in ROBUST mode. */
    public static HelperConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().mode(mode).ftpPorts(ftpPorts).ircPorts(ircPorts).ftpLoose(ftpLoose).ircLoose(ircLoose)
            .ftpMaxExpected(ftpMaxExpected).ircMaxDccChannels(ircMaxDccChannels)
            .ftpTimeoutSeconds(ftpTimeoutSeconds).ircTimeoutSeconds(ircTimeoutSeconds).ircIpv6(ircIpv6)
            .lineBufferBytes(lineBufferBytes).reassemblyWindowBytes(reassemblyWindowBytes)
            .reassemblyMaxSegments(reassemblyMaxSegments);
    }

    /**
     * The helper the kernel's {@code ct helper set} rule would assign: by the server (original destination)
     * port; IRC only on IPv4 unless {@link #ircIpv6}. Empty for other connections and non-TCP.
     */
    public Optional<HelperKind> helperFor(ConnTuple orig) {
        if (orig.protocol() != IpProtocol.TCP) {
            return Optional.empty();
        }
        if (ftpPorts.contains(orig.dstPort())) {
            return Optional.of(HelperKind.FTP);
        }
        if (ircPorts.contains(orig.dstPort()) && (orig.ipVersion() == 4 || ircIpv6)) {
            return Optional.of(HelperKind.IRC);
        }
        return Optional.empty();
    }

    public int maxExpected(HelperKind kind) {
        return kind == HelperKind.FTP ? ftpMaxExpected : ircMaxDccChannels;
    }

    public int timeoutSeconds(HelperKind kind) {
        return kind == HelperKind.FTP ? ftpTimeoutSeconds : ircTimeoutSeconds;
    }

    public boolean loose(HelperKind kind) {
        return kind == HelperKind.FTP ? ftpLoose : ircLoose;
    }

    /** Builder with the kernel's defaults. */
    public static final class Builder {
        private HelperMode mode = HelperMode.ROBUST;
        private Set<Integer> ftpPorts = Set.of(21);
        private Set<Integer> ircPorts = Set.of(6667);
        private boolean ftpLoose;
        private boolean ircLoose;
        private int ftpMaxExpected = 1;
        private int ircMaxDccChannels = 8;
        private int ftpTimeoutSeconds = 300;
        private int ircTimeoutSeconds = 300;
        private boolean ircIpv6;
        private int lineBufferBytes = 4096;
        private int reassemblyWindowBytes = 64 * 1024;
        private int reassemblyMaxSegments = 64;

        public Builder mode(HelperMode v) { mode = v; return this; }
        public Builder ftpPorts(Set<Integer> v) { ftpPorts = v; return this; }
        public Builder ircPorts(Set<Integer> v) { ircPorts = v; return this; }
        public Builder ftpLoose(boolean v) { ftpLoose = v; return this; }
        public Builder ircLoose(boolean v) { ircLoose = v; return this; }
        public Builder ftpMaxExpected(int v) { ftpMaxExpected = v; return this; }
        public Builder ircMaxDccChannels(int v) { ircMaxDccChannels = v; return this; }
        public Builder ftpTimeoutSeconds(int v) { ftpTimeoutSeconds = v; return this; }
        public Builder ircTimeoutSeconds(int v) { ircTimeoutSeconds = v; return this; }
        public Builder ircIpv6(boolean v) { ircIpv6 = v; return this; }
        public Builder lineBufferBytes(int v) { lineBufferBytes = v; return this; }
        public Builder reassemblyWindowBytes(int v) { reassemblyWindowBytes = v; return this; }
        public Builder reassemblyMaxSegments(int v) { reassemblyMaxSegments = v; return this; }

        public HelperConfig build() {
            return new HelperConfig(mode, ftpPorts, ircPorts, ftpLoose, ircLoose, ftpMaxExpected, ircMaxDccChannels,
                ftpTimeoutSeconds, ircTimeoutSeconds, ircIpv6, lineBufferBytes, reassemblyWindowBytes,
                reassemblyMaxSegments);
        }
    }
}
