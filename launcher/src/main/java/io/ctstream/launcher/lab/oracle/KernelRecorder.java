package io.ctstream.launcher.lab.oracle;

import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Records one scenario on a {@link KernelLab}'s gw, in the reference lab's file layout: gw's
 * ingress on both links ({@code dumpcap}, one file per link, merged in time order into {@code
 * <sc>.pcap}: every packet once, as conntrack saw it in PREROUTING, including the ones the policy
 * dropped), the kernel's connection and expectation events ({@code conntrack -E}: {@code
 * <sc>.conntrack.txt}, {@code <sc>.expect.txt}), and at the end the table with its counters ({@code
 * <sc>.ct-table.txt}) and the ruleset ({@code <sc>.nft.txt}).
 */
final class KernelRecorder implements AutoCloseable {
    private final KernelLab lab;
    private final Path out;
    private final String scenario;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    private KernelRecorder(KernelLab lab, Path out, String scenario, Path work) {
        this.lab = lab;
        this.out = out;
        this.scenario = scenario;
        this.work = work;
    }

    static KernelRecorder start(KernelLab lab, Path out, String scenario, Path work) {
        KernelRecorder r = new KernelRecorder(lab, out, scenario, work);
        for (String link : List.of("g1", "g2")) {
            // inbound only: a forwarded packet is captured once, where it entered gw
            r.processes.add(
                    LabShell.start(
                            work.resolve("dumpcap-" + link + ".log"),
                            GatewayLab.inNamespace(
                                    lab.gw(),
                                    "dumpcap",
                                    "-q",
                                    "-P",
                                    "-i",
                                    link,
                                    "-f",
                                    "inbound and (ip or ip6)",
                                    "-w",
                                    work.resolve(link + ".pcap").toString())));
        }
        // line-buffered, so nothing is lost in a buffer when the recorder is stopped
        r.processes.add(
                LabShell.start(
                        r.file("conntrack.txt"),
                        GatewayLab.inNamespace(
                                lab.gw(),
                                "stdbuf",
                                "-oL",
                                "conntrack",
                                "-E",
                                "-o",
                                "timestamp,extended,id")));
        r.processes.add(
                LabShell.start(
                        r.file("expect.txt"),
                        GatewayLab.inNamespace(
                                lab.gw(),
                                "stdbuf",
                                "-oL",
                                "conntrack",
                                "-E",
                                "expect",
                                "-o",
                                "timestamp")));
        r.awaitCapturing();
        return r;
    }

    Path file(String suffix) {
        return out.resolve(scenario + "." + suffix);
    }

    private void awaitCapturing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            for (String link : List.of("g1", "g2")) {
                Path f = work.resolve(link + ".pcap");
                ready &= Files.exists(f);
            }
            if (ready) {
                sleep(500);
                return;
            }
            sleep(50);
        }
        throw new LabException("dumpcap did not start capturing on gw within 10 s; see " + work);
    }

    /**
     * Waits for the last events, saves the table and ruleset, stops the recorders and writes {@code
     * <sc>.pcap}.
     */
    void finish() {
        sleep(1000);
        String table =
                LabShell.status(
                                GatewayLab.inNamespace(
                                        lab.gw(), "conntrack", "-L", "-o", "extended,id"),
                                30)
                        .output();
        String expectations =
                LabShell.status(GatewayLab.inNamespace(lab.gw(), "conntrack", "-L", "expect"), 30)
                        .output();
        try {
            Files.writeString(
                    file("ct-table.txt"),
                    strip(table)
                            + "# expectations still pending at the end of the scenario:\n"
                            + strip(expectations));
            Files.writeString(file("nft.txt"), lab.gwRuleset());
        } catch (IOException e) {
            throw new LabException("cannot write " + out + ": " + e.getMessage(), e);
        }
        close();
        try {
            for (String events : List.of("conntrack.txt", "expect.txt")) {
                Files.writeString(file(events), strip(Files.readString(file(events))));
            }
        } catch (IOException e) {
            throw new LabException(
                    "cannot rewrite the event files in " + out + ": " + e.getMessage(), e);
        }
        LabShell.run(
                "mergecap",
                "-F",
                "pcap",
                "-w",
                file("pcap").toString(),
                work.resolve("g1.pcap").toString(),
                work.resolve("g2.pcap").toString());
    }

    /** conntrack's summary lines ("... flow entries have been shown.") are not table entries. */
    private static String strip(String listing) {
        StringBuilder b = new StringBuilder();
        for (String line : listing.split("\n")) {
            if (!line.isBlank() && !line.startsWith("conntrack v")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
