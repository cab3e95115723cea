package io.ctstream.launcher.lab.oracle;

import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The traffic lab with the kernel as oracle: three namespaces like {@link GatewayLab}'s, but gw
 * runs the kernel's own FTP and TFTP helpers ({@code nf_conntrack_ftp}, {@code nf_conntrack_tftp}
 * through nft {@code ct helper}s) and its forward policy lets a data connection through only when
 * the helper expected it, exactly as the reference lab ({@code ../shared/lab/traffic-lab.sh}) does,
 * so what the kernel concluded is the oracle for ctstream:
 *
 * <pre>
 *  client c0 10.63.1.2 ── g1 10.63.1.1 [gw] 10.63.2.1 g2 ── s0 10.63.2.2 server (vsftpd, TFTP)
 *                                                              10.63.2.9 silent: drops every packet
 * </pre>
 *
 * Its own subnet (10.63.x) and a caller's namespace prefix keep it apart from the live lab
 * (10.61.x) and the reference lab (10.77.x). Connections to {@link #SILENT_IP}:{@link #SILENT_PORT}
 * are allowed by gw's policy, so the kernel confirms them, and dropped by the server's input chain,
 * so they are never answered.
 */
public final class KernelLab implements AutoCloseable {
    public static final String CLIENT_IP = "10.63.1.2";
    public static final String SERVER_IP = "10.63.2.2";

    /**
     * An address on the server's link that never answers (the server silently drops what is sent to
     * it).
     */
    public static final String SILENT_IP = "10.63.2.9";

    /** The port on {@link #SILENT_IP} gw lets new connections through to. */
    public static final int SILENT_PORT = 17399;

    private final String prefix;

    private KernelLab(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Builds the lab; namespace names start with {@code prefix}; leftovers of a killed run are
     * removed first.
     */
    public static KernelLab up(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9-]{0,15}")) {
            throw new IllegalArgumentException(
                    "lab prefix must be 1-16 lower-case letters, digits or '-', got '"
                            + prefix
                            + "'");
        }
        GatewayLab.removeLeftovers(prefix);
        KernelLab lab = new KernelLab(prefix);
        try {
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    public String client() {
        return prefix + "-client";
    }

    public String gw() {
        return prefix + "-gw";
    }

    public String server() {
        return prefix + "-server";
    }

    private void build() {
        for (String ns : List.of(client(), gw(), server())) {
            LabShell.run("ip", "netns", "add", ns);
            LabShell.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        LabShell.run(
                "ip", "link", "add", "c0", "netns", client(), "type", "veth", "peer", "name", "g1",
                "netns", gw());
        LabShell.run(
                "ip", "link", "add", "s0", "netns", server(), "type", "veth", "peer", "name", "g2",
                "netns", gw());
        LabShell.run("ip", "-n", client(), "addr", "add", CLIENT_IP + "/24", "dev", "c0");
        LabShell.run("ip", "-n", gw(), "addr", "add", "10.63.1.1/24", "dev", "g1");
        LabShell.run("ip", "-n", gw(), "addr", "add", "10.63.2.1/24", "dev", "g2");
        LabShell.run("ip", "-n", server(), "addr", "add", SERVER_IP + "/24", "dev", "s0");
        LabShell.run("ip", "-n", server(), "addr", "add", SILENT_IP + "/24", "dev", "s0");
        for (String[] end :
                new String[][] {{client(), "c0"}, {gw(), "g1"}, {gw(), "g2"}, {server(), "s0"}}) {
            // no offloads: the capture sees every segment as it is on the wire
            LabShell.run(
                    GatewayLab.inNamespace(
                                    end[0], "ethtool", "-K", end[1], "tx", "off", "tso", "off",
                                    "gso", "off", "gro", "off")
                            .toArray(String[]::new));
            LabShell.run("ip", "-n", end[0], "link", "set", end[1], "up");
        }
        LabShell.run("ip", "-n", client(), "route", "add", "10.63.2.0/24", "via", "10.63.1.1");
        LabShell.run("ip", "-n", server(), "route", "add", "10.63.1.0/24", "via", "10.63.2.1");
        LabShell.run(
                GatewayLab.inNamespace(gw(), "sysctl", "-qw", "net.ipv4.ip_forward=1")
                        .toArray(String[]::new));
        // per-direction packet and byte counters in the conntrack table: the oracle's packet totals
        LabShell.run(
                GatewayLab.inNamespace(gw(), "sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1")
                        .toArray(String[]::new));
        nft(
                gw(),
                """
                table inet ctlab {
                  ct helper ftp-21 { type "ftp" protocol tcp; l3proto inet; }
                  ct helper tftp-69 { type "tftp" protocol udp; l3proto inet; }
                  set dropped_v4 { type ipv4_addr . ipv4_addr . inet_service; size 65535; flags dynamic; }
                  chain prerouting {
                    type filter hook prerouting priority filter; policy accept;
                    tcp dport 21 ct state new ct helper set "ftp-21"
                    udp dport 69 ct state new ct helper set "tftp-69"
                  }
                  chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established accept
                    ct state related ct status expected ct mark set 0x00000001 accept
                    ct state related accept
                    ct state new tcp dport { 21, %d } accept
                    ct state new udp dport 69 accept
                    meta l4proto { tcp, udp } add @dropped_v4 { ip saddr . ip daddr . th dport }
                    counter drop
                  }
                }
                """
                        .formatted(SILENT_PORT));
        nft(
                server(),
                """
                table inet silent {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    ip daddr %s drop
                  }
                }
                """
                        .formatted(SILENT_IP));
    }

    private static void nft(String ns, String ruleset) {
        Path file;
        try {
            file = Files.createTempFile("ctstream-kernel-lab", ".nft");
            Files.writeString(file, ruleset);
        } catch (IOException e) {
            throw new LabException("cannot write a ruleset: " + e.getMessage(), e);
        }
        try {
            LabShell.run(
                    GatewayLab.inNamespace(ns, "nft", "-f", file.toString())
                            .toArray(String[]::new));
        } finally {
            file.toFile().delete();
        }
    }

    /** gw's ruleset as nft prints it: counters and the set of dropped new connections. */
    public String gwRuleset() {
        return LabShell.status(
                        GatewayLab.inNamespace(gw(), "nft", "list", "table", "inet", "ctlab"), 30)
                .output();
    }

    @Override
    public void close() {
        for (String ns : List.of(client(), gw(), server())) {
            GatewayLab.remove(ns);
        }
    }
}
