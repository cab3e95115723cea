package io.ctstream.launcher.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * One FTP download by curl (Debian package {@code curl}) from the lab's client namespace, in active
 * mode ({@code PORT}: the server connects back to the client) or passive mode ({@code PASV} and its
 * 227 reply: the client connects to the server). EPRT/EPSV are switched off so the helper sees the
 * classic commands.
 */
public final class FtpTransfer {
    /** Which side opens the data connection. */
    public enum Mode {
        ACTIVE("PORT"),
        PASSIVE("227");

        private final String announcement;

        Mode(String announcement) {
            this.announcement = announcement;
        }

        /** What announces the data connection on the control channel. */
        public String announcement() {
            return announcement;
        }
    }

    /** What curl did: {@code ok} when it downloaded the whole file. */
    public record Outcome(
            Mode mode, boolean ok, int curlExit, long bytes, long millis, String detail) {
        @Override
        public String toString() {
            return mode
                    + (ok
                            ? " transfer ok: " + bytes + " bytes in " + millis + " ms"
                            : " transfer failed: curl exit "
                                    + curlExit
                                    + " after "
                                    + millis
                                    + " ms: "
                                    + detail);
        }
    }

    private FtpTransfer() {}

    /**
     * Downloads {@link VsftpdServer#FILE}; waits at most {@code timeoutSeconds}. A passive data SYN
     * that reaches gw before the pinhole is dropped and retransmitted by TCP after about a second,
     * so the connect timeout leaves room for two retransmissions.
     */
    public static Outcome download(GatewayLab lab, Mode mode, int timeoutSeconds) {
        List<String> curl =
                new ArrayList<>(
                        List.of(
                                "curl",
                                "-sS",
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{size_download}",
                                "--connect-timeout",
                                String.valueOf(timeoutSeconds),
                                "--max-time",
                                String.valueOf(timeoutSeconds)));
        if (mode == Mode.ACTIVE) {
            curl.addAll(List.of("--ftp-port", "-", "--disable-eprt"));
        } else {
            curl.add("--disable-epsv");
        }
        curl.add("ftp://" + GatewayLab.SERVER_IP + "/" + VsftpdServer.FILE);
        List<String> cmd = GatewayLab.inNamespace(lab.client(), curl.toArray(String[]::new));
        LabShell.Result r = LabShell.status(cmd, timeoutSeconds + 10);
        // curl prints the error (if any), then -w's size on the last line
        String out = r.output().strip();
        int nl = out.lastIndexOf('\n');
        String last = out.substring(nl + 1);
        long bytes = -1;
        if (last.matches("\\d+")) {
            bytes = Long.parseLong(last);
            out = nl < 0 ? "" : out.substring(0, nl).strip();
        }
        boolean ok = r.ok() && bytes == VsftpdServer.FILE_BYTES;
        return new Outcome(mode, ok, r.exitCode(), bytes, r.millis(), out);
    }
}
