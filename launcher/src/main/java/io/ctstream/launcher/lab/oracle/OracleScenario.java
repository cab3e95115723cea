package io.ctstream.launcher.lab.oracle;

import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import io.ctstream.launcher.lab.VsftpdServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios of the kernel-oracle lab (issue 17): cases the reference lab never produced and
 * captures from the wild showed ctstream getting wrong. Each runs real traffic through {@link
 * KernelLab}'s gw while {@link KernelRecorder} records what the kernel did.
 */
public enum OracleScenario {
    /**
     * vsftpd with one passive port: every transfer reuses it; in the second, two PASV in a row
     * announce it twice.
     */
    FTP_PASV_REUSE(
            "ftp-pasv-reuse",
            "vsftpd pasv_min_port == pasv_max_port == 17350, raw client, one session: PASV RETR; PASV PASV RETR; PASV RETR",
            17350,
            17350,
            "reuse"),
    /**
     * The client's data SYN follows the 227 within microseconds (made beforehand, connect() as soon
     * as parsed).
     */
    FTP_FAST_CONNECT(
            "ftp-fast-connect",
            "vsftpd passive ports 17310-17319, raw client, one session: 3 x (PASV, connect() at once after the 227, RETR)",
            17310,
            17319,
            "fast"),
    /**
     * A connection gw forwards (the kernel confirms it) to an address that never answers: the
     * client's SYN and its retransmissions, each counted by the kernel.
     */
    TCP_SYN_UNANSWERED(
            "tcp-syn-unanswered",
            "client connects to 10.63.2.9:17399, which gw forwards and nobody answers: SYN + retransmissions for 8 s",
            0,
            0,
            null),
    /**
     * nf_conntrack_tftp: curl reads a file (RRQ) and writes one (WRQ); the server answers each from
     * a new port, which gw lets through only as the expected, RELATED connection (UDP
     * expectations).
     */
    TFTP(
            "tftp",
            "tftp_server.py on 10.63.2.2:69, curl --tftp-no-options: RRQ of 1200 bytes, then WRQ of 700 bytes",
            0,
            0,
            "tftp");

    /** The file the FTP scenarios download: small, so the captures stay small. */
    static final int FILE_BYTES = 4096;

    private final String id;
    private final String description;
    private final int pasvMin;
    private final int pasvMax;
    private final String clientMode;

    OracleScenario(String id, String description, int pasvMin, int pasvMax, String clientMode) {
        this.id = id;
        this.description = description;
        this.pasvMin = pasvMin;
        this.pasvMax = pasvMax;
        this.clientMode = clientMode;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public static Optional<OracleScenario> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    /** What the client saw: whether every transfer worked, a note, and the client's own output. */
    record Outcome(boolean ok, String note, String client) {}

    Outcome run(KernelLab lab, Path work) {
        if ("tftp".equals(clientMode)) {
            return TftpTransfers.run(lab, work);
        }
        if (clientMode == null) {
            LabShell.Result r =
                    LabShell.status(
                            GatewayLab.inNamespace(
                                    lab.client(),
                                    "python3",
                                    "-c",
                                    "import socket\ntry:\n socket.create_connection(('%s', %d), timeout=8)\n print('answered')\n"
                                                    .formatted(
                                                            KernelLab.SILENT_IP,
                                                            KernelLab.SILENT_PORT)
                                            + "except OSError as e:\n print('no answer:', e)\n"),
                            30);
            String out = r.output().strip();
            return new Outcome(out.startsWith("no answer"), out, out);
        }
        Path script = work.resolve("ftp_client.py");
        try (InputStream in = OracleScenario.class.getResourceAsStream("ftp_client.py")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException | NullPointerException e) {
            throw new LabException(
                    "cannot write the lab's FTP client to " + script + ": " + e.getMessage(), e);
        }
        try (VsftpdServer server =
                VsftpdServer.start(
                        lab.server(), KernelLab.SERVER_IP, work, pasvMin, pasvMax, FILE_BYTES)) {
            LabShell.Result r =
                    LabShell.status(
                            GatewayLab.inNamespace(
                                    lab.client(),
                                    "python3",
                                    script.toString(),
                                    KernelLab.SERVER_IP,
                                    VsftpdServer.FILE,
                                    clientMode),
                            60);
            String out = r.output().strip();
            boolean ok =
                    r.ok()
                            && out.contains("\"transfers\"")
                            && out.split("\"bytes\": " + FILE_BYTES, -1).length - 1 == 3;
            return new Outcome(
                    ok,
                    ok
                            ? "3 transfers of " + FILE_BYTES + " bytes"
                            : "client failed: " + out + " / " + server.log(),
                    out);
        }
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(OracleScenario::id).toList();
    }
}
