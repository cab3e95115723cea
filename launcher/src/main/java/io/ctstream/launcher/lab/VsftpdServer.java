package io.ctstream.launcher.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * vsftpd (Debian package {@code vsftpd}) inside the lab's server namespace: anonymous, read-only,
 * one file to download, active mode from port 20 and passive mode on a wide port range (so two
 * transfers practically never reuse a data port, and an old pinhole never opens a new transfer). In
 * active mode vsftpd's connect to the client waits {@code connect_timeout} (30 s): its SYN is
 * dropped until the pinhole exists and TCP retransmits it after 1, 3, 7 and 15 s.
 */
public final class VsftpdServer implements AutoCloseable {
    public static final String BINARY = "vsftpd";

    /** The file clients download and its size. */
    public static final String FILE = "payload.bin";

    public static final int FILE_BYTES = 256 * 1024;

    private final Process process;
    private final Path dir;

    private VsftpdServer(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts vsftpd on {@link GatewayLab#SERVER_IP}:21 in the lab's server namespace and waits
     * until it listens.
     */
    public static VsftpdServer start(GatewayLab lab, Path workDir) {
        return start(lab.server(), GatewayLab.SERVER_IP, workDir, 20000, 60000, FILE_BYTES);
    }

    /**
     * Starts vsftpd on {@code address}:21 in namespace {@code ns}, passive ports {@code
     * pasvMin}–{@code pasvMax} (equal: every passive transfer reuses one port), {@link #FILE}
     * {@code fileBytes} long, and waits until it listens.
     */
    public static VsftpdServer start(
            String ns, String address, Path workDir, int pasvMin, int pasvMax, int fileBytes) {
        Path dir = workDir.resolve("vsftpd");
        Path root = dir.resolve("root");
        Path empty = dir.resolve("empty");
        Path conf = dir.resolve("vsftpd.conf");
        try {
            Files.createDirectories(root);
            Files.createDirectories(empty);
            byte[] payload = new byte[fileBytes];
            ThreadLocalRandom.current().nextBytes(payload);
            Files.write(root.resolve(FILE), payload);
            // vsftpd refuses a root or chroot directory that others can write
            for (Path p : List.of(dir, root, empty)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.writeString(
                    conf,
                    """
                    listen=YES
                    listen_address=%s
                    background=NO
                    anonymous_enable=YES
                    local_enable=NO
                    write_enable=NO
                    no_anon_password=YES
                    anon_root=%s
                    secure_chroot_dir=%s
                    seccomp_sandbox=NO
                    connect_from_port_20=YES
                    port_enable=YES
                    pasv_enable=YES
                    pasv_min_port=%s
                    pasv_max_port=%s
                    connect_timeout=30
                    accept_timeout=4
                    data_connection_timeout=20
                    idle_session_timeout=60
                    xferlog_enable=NO
                    log_ftp_protocol=YES
                    vsftpd_log_file=%s
                    """
                            .formatted(
                                    address,
                                    root,
                                    empty,
                                    pasvMin,
                                    pasvMax,
                                    dir.resolve("vsftpd.log")));
        } catch (IOException e) {
            throw new LabException("cannot prepare vsftpd in " + dir + ": " + e.getMessage(), e);
        }
        Process p =
                LabShell.start(
                        dir.resolve("stdout.log"),
                        GatewayLab.inNamespace(ns, BINARY, conf.toString()));
        VsftpdServer server = new VsftpdServer(p, dir);
        server.awaitListening(ns, address);
        return server;
    }

    private void awaitListening(String ns, String address) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LabException("vsftpd exited with " + process.exitValue() + ": " + log());
            }
            String listening =
                    LabShell.status(GatewayLab.inNamespace(ns, "ss", "-Hltn", "sport = :21"), 10)
                            .output();
            if (listening.contains(address + ":21")) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted waiting for vsftpd", e);
            }
        }
        throw new LabException("vsftpd does not listen on " + address + ":21 after 10 s: " + log());
    }

    /** vsftpd's output and protocol log, for failure messages. */
    public String log() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("stdout.log", "vsftpd.log")) {
            try {
                Path f = dir.resolve(name);
                if (Files.exists(f)) {
                    b.append(Files.readString(f));
                }
            } catch (IOException e) {
                b.append("(cannot read ").append(name).append(")");
            }
        }
        return b.toString();
    }

    /** Stops the listener; the lab's {@link GatewayLab#close()} kills any session process left. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
