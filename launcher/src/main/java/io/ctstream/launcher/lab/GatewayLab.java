package io.ctstream.launcher.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three network namespaces on one host — {@code <prefix>-client}, {@code <prefix>-gw}, {@code
 * <prefix>-server} — joined by two veth pairs, with gw routing between them:
 *
 * <pre>
 *  client c0 10.61.1.2 ── g1 10.61.1.1 [gw] 10.61.2.1 g2 ── s0 10.61.2.2 server
 * </pre>
 *
 * gw's own ruleset ({@code table inet gateway}) drops every forwarded packet except established
 * traffic, packets carrying ctstream's allow mark, and new connections to port 21. It assigns no
 * kernel conntrack helper, so an FTP data connection only passes when ctstream's enforcement agent
 * has put a pinhole into its allow set. Offloads are off on every veth end, so a capture on gw sees
 * real wire-sized segments. There is no default route: nothing leaves the lab.
 *
 * <p>{@link #up} first removes whatever a killed earlier run with the same prefix left behind;
 * {@link #close} kills every process inside the namespaces and deletes them.
 */
public final class GatewayLab implements AutoCloseable {
    public static final String CLIENT_IP = "10.61.1.2";
    public static final String GW_CLIENT_IP = "10.61.1.1";
    public static final String GW_SERVER_IP = "10.61.2.1";
    public static final String SERVER_IP = "10.61.2.2";

    /** The lab's networks, for a policy's gateway subnets. */
    public static final String SUBNET = "10.61.0.0/16";

    /** The mark ctstream's enforcement agent sets on allowed packets (its default). */
    public static final long ALLOW_MARK = 0x10000000L;

    /**
     * The mark gw's policy sets, instead of dropping, on the first packet of a new TCP connection
     * it would drop: the packet then waits in netfilter queue {@link #HOLD_QUEUE} for its pinhole
     * (the enforcement agent's SYN hold).
     */
    public static final long HOLD_MARK = 0x20000000L;

    public static final int HOLD_QUEUE = 7;

    private final String prefix;

    private GatewayLab(String prefix) {
        this.prefix = prefix;
    }

    /** Why this machine cannot run the lab (empty when it can): root, and the tools it needs. */
    public static List<String> missingPrerequisites(List<String> tools) {
        List<String> missing = new ArrayList<>();
        if (LabShell.uid() != 0) {
            missing.add("root (the lab creates network namespaces)");
        }
        for (String tool : tools) {
            if (!LabShell.onPath(tool)) {
                missing.add("`" + tool + "`");
            }
        }
        return missing;
    }

    /** Builds the lab; namespace names start with {@code prefix} (letters, digits, '-'). */
    public static GatewayLab up(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9-]{0,15}")) {
            throw new IllegalArgumentException(
                    "lab prefix must be 1-16 lower-case letters, digits or '-', got '"
                            + prefix
                            + "'");
        }
        removeLeftovers(prefix);
        GatewayLab lab = new GatewayLab(prefix);
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

    /** gw's network namespace, for the thread of the agent that reads the hold queue. */
    public String gwNetnsPath() {
        return "/var/run/netns/" + gw();
    }

    /** Runs {@code nft} inside gw: the enforcement agent's {@code --nft-command}. */
    public List<String> gwNftCommand() {
        return List.of("ip", "netns", "exec", gw(), "nft");
    }

    /** {@code ip netns exec NS cmd...} */
    public static List<String> inNamespace(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return full;
    }

    private void build() {
        for (String ns : List.of(client(), gw(), server())) {
            LabShell.run("ip", "netns", "add", ns);
            LabShell.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        // created straight inside the namespaces: the host's own interface names never matter
        LabShell.run(
                "ip", "link", "add", "c0", "netns", client(), "type", "veth", "peer", "name", "g1",
                "netns", gw());
        LabShell.run(
                "ip", "link", "add", "s0", "netns", server(), "type", "veth", "peer", "name", "g2",
                "netns", gw());
        LabShell.run("ip", "-n", client(), "addr", "add", CLIENT_IP + "/24", "dev", "c0");
        LabShell.run("ip", "-n", gw(), "addr", "add", GW_CLIENT_IP + "/24", "dev", "g1");
        LabShell.run("ip", "-n", gw(), "addr", "add", GW_SERVER_IP + "/24", "dev", "g2");
        LabShell.run("ip", "-n", server(), "addr", "add", SERVER_IP + "/24", "dev", "s0");
        for (String[] end :
                new String[][] {{client(), "c0"}, {gw(), "g1"}, {gw(), "g2"}, {server(), "s0"}}) {
            // no offloads: the capture sees every segment as it is on the wire, with a valid
            // checksum
            LabShell.run(
                    inNamespace(
                                    end[0], "ethtool", "-K", end[1], "tx", "off", "tso", "off",
                                    "gso", "off", "gro", "off")
                            .toArray(String[]::new));
            LabShell.run("ip", "-n", end[0], "link", "set", end[1], "up");
        }
        LabShell.run("ip", "-n", client(), "route", "add", "10.61.2.0/24", "via", GW_CLIENT_IP);
        LabShell.run("ip", "-n", server(), "route", "add", "10.61.1.0/24", "via", GW_SERVER_IP);
        LabShell.run(
                inNamespace(gw(), "sysctl", "-qw", "net.ipv4.ip_forward=1").toArray(String[]::new));
        applyRuleset();
    }

    /**
     * gw's own policy: no helper, so only ctstream's pinholes let data connections through. The
     * first packet of a new TCP connection the policy would drop is held instead (marked and
     * queued, see {@link #HOLD_MARK}): the agent lets it through when its pinhole arrives, or drops
     * it after the hold time.
     */
    private void applyRuleset() {
        String ruleset =
                """
                table inet gateway {
                  chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established accept
                    meta mark & %1$s == %1$s accept
                    tcp dport 21 ct state new accept
                    tcp flags & (syn | ack) == syn ct state new meta mark set %2$s counter accept
                    counter drop
                  }
                }
                """
                        .formatted("0x%08x".formatted(ALLOW_MARK), "0x%08x".formatted(HOLD_MARK));
        Path file;
        try {
            file = Files.createTempFile("ctstream-lab-gw", ".nft");
            Files.writeString(file, ruleset);
        } catch (IOException e) {
            throw new LabException("cannot write gw's ruleset: " + e.getMessage(), e);
        }
        try {
            LabShell.run(inNamespace(gw(), "nft", "-f", file.toString()).toArray(String[]::new));
        } finally {
            file.toFile().delete();
        }
        // nft here cannot queue (no nft_queue in this kernel); the xtables NFQUEUE target can, in
        // the security table,
        // which runs after the filter chains: only what gw's policy marked for the hold is queued.
        // No --queue-bypass:
        // with no agent reading the queue, the kernel drops the packet, as the policy would have.
        for (String tool : List.of("iptables", "ip6tables")) {
            LabShell.run(
                    inNamespace(
                                    gw(),
                                    tool,
                                    "-w",
                                    "-t",
                                    "security",
                                    "-A",
                                    "FORWARD",
                                    "-m",
                                    "mark",
                                    "--mark",
                                    "0x%08x/0x%08x".formatted(HOLD_MARK, HOLD_MARK),
                                    "-j",
                                    "NFQUEUE",
                                    "--queue-num",
                                    Integer.toString(HOLD_QUEUE))
                            .toArray(String[]::new));
        }
    }

    /** Packets gw's own forward chain dropped so far (its final {@code counter drop}). */
    public long gwDrops() {
        String chain =
                LabShell.status(
                                inNamespace(
                                        gw(), "nft", "list", "chain", "inet", "gateway", "forward"),
                                30)
                        .output();
        Matcher m = Pattern.compile("counter packets (\\d+) bytes \\d+ drop").matcher(chain);
        if (!m.find()) {
            throw new LabException("no drop counter in gw's forward chain: " + chain);
        }
        return Long.parseLong(m.group(1));
    }

    /** gw's ruleset as nft prints it (with counters), for failure messages. */
    public String gwRuleset() {
        return LabShell.status(inNamespace(gw(), "nft", "list", "ruleset"), 30).output();
    }

    @Override
    public void close() {
        for (String ns : List.of(client(), gw(), server())) {
            remove(ns);
        }
    }

    /**
     * Deletes every namespace named {@code <prefix>-...} (a killed run's leftovers) and its
     * processes.
     */
    public static void removeLeftovers(String prefix) {
        for (String line :
                LabShell.status(List.of("ip", "netns", "list"), 30).output().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(prefix + "-")) {
                remove(name);
            }
        }
    }

    /** Kills every process inside {@code ns} and deletes it. */
    public static void remove(String ns) {
        String pids = LabShell.status(List.of("ip", "netns", "pids", ns), 30).output().strip();
        if (!pids.isEmpty()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-9"));
            kill.addAll(List.of(pids.split("\\s+")));
            LabShell.status(kill, 30);
        }
        LabShell.status(List.of("ip", "netns", "del", ns), 30);
    }
}
