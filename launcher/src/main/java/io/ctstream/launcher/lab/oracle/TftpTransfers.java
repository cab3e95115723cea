package io.ctstream.launcher.lab.oracle;

import io.ctstream.launcher.lab.GatewayLab;
import io.ctstream.launcher.lab.LabException;
import io.ctstream.launcher.lab.LabShell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The TFTP scenario's traffic: a small TFTP server ({@code tftp_server.py}, standard-library
 * Python: no TFTP server package needed) on the server's port 69, and curl in the client
 * downloading a file (RRQ) and uploading one (WRQ), each transfer answered from a new server port,
 * which only the kernel's {@code nf_conntrack_tftp} lets through gw.
 */
final class TftpTransfers {
    /**
     * Three blocks down (512, 512, 176 bytes), two up: small captures, more than one block each
     * way.
     */
    static final int DOWNLOAD_BYTES = 1200;

    static final int UPLOAD_BYTES = 700;

    private TftpTransfers() {}

    static OracleScenario.Outcome run(KernelLab lab, Path work) {
        Path dir = work.resolve("tftp");
        Path script = work.resolve("tftp_server.py");
        Path upload = work.resolve("upload.bin");
        Path download = work.resolve("download.bin");
        try (InputStream in = TftpTransfers.class.getResourceAsStream("tftp_server.py")) {
            Files.createDirectories(dir);
            Files.write(script, in.readAllBytes());
            Files.write(dir.resolve("file.bin"), random(DOWNLOAD_BYTES));
            Files.write(upload, random(UPLOAD_BYTES));
        } catch (IOException | NullPointerException e) {
            throw new LabException(
                    "cannot prepare the TFTP scenario in " + work + ": " + e.getMessage(), e);
        }
        Path log = work.resolve("tftp-server.log");
        Process server =
                LabShell.start(
                        log,
                        GatewayLab.inNamespace(
                                lab.server(),
                                "python3",
                                script.toString(),
                                KernelLab.SERVER_IP,
                                dir.toString(),
                                "2"));
        try {
            awaitListening(log);
            String url = "tftp://" + KernelLab.SERVER_IP + "/";
            LabShell.Result get =
                    LabShell.status(
                            GatewayLab.inNamespace(
                                    lab.client(),
                                    "curl",
                                    "-sS",
                                    "--tftp-no-options",
                                    "--max-time",
                                    "15",
                                    "-o",
                                    download.toString(),
                                    url + "file.bin"),
                            30);
            KernelRecorder.sleep(300);
            LabShell.Result put =
                    LabShell.status(
                            GatewayLab.inNamespace(
                                    lab.client(),
                                    "curl",
                                    "-sS",
                                    "--tftp-no-options",
                                    "--max-time",
                                    "15",
                                    "-T",
                                    upload.toString(),
                                    url + "upload.bin"),
                            30);
            server.waitFor(20, TimeUnit.SECONDS);
            String serverLog = Files.readString(log).strip();
            boolean ok =
                    get.ok()
                            && put.ok()
                            && Files.exists(download)
                            && Files.size(download) == DOWNLOAD_BYTES
                            && Files.exists(dir.resolve("upload.bin"))
                            && Files.size(dir.resolve("upload.bin")) == UPLOAD_BYTES;
            String note =
                    ok
                            ? "RRQ of "
                                    + DOWNLOAD_BYTES
                                    + " bytes, WRQ of "
                                    + UPLOAD_BYTES
                                    + " bytes"
                            : "transfer failed: curl get "
                                    + get.output().strip()
                                    + " / put "
                                    + put.output().strip()
                                    + " / "
                                    + serverLog;
            return new OracleScenario.Outcome(ok, note, serverLog);
        } catch (IOException e) {
            throw new LabException(
                    "cannot read the TFTP scenario's results in " + work + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        } finally {
            server.destroy();
        }
    }

    private static void awaitListening(Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("listening")) {
                return;
            }
            KernelRecorder.sleep(50);
        }
        throw new LabException(
                "the lab's TFTP server did not start within 10 s: " + Files.readString(log));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
