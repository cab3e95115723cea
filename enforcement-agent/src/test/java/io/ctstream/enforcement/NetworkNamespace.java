package io.ctstream.enforcement;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network namespace ({@code ip netns add ct-enf-<random>}; {@code $CTSTREAM_LAB_PREFIX}
 * replaces {@code ct}) for nftables tests, so the host's ruleset is never touched; {@link #close()}
 * deletes it. {@link #open()} skips the test with the reason when not root or when {@code ip} or
 * {@code nft} is missing.
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    public static NetworkNamespace open() {
        assumeTrue(
                uid() == 0,
                "nftables tests need root (they create a network namespace); uid is " + uid());
        assumeTrue(onPath("ip"), "nftables tests need `ip` (apt-get install -y iproute2)");
        assumeTrue(onPath("nft"), "nftables tests need `nft` (apt-get install -y nftables)");
        String prefix = System.getenv().getOrDefault("CTSTREAM_LAB_PREFIX", "ct");
        String name =
                prefix
                        + "-enf-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        run(List.of("ip", "netns", "add", name));
        return new NetworkNamespace(name);
    }

    public String name() {
        return name;
    }

    /** The command that runs nft inside this namespace. */
    public List<String> nftCommand() {
        return List.of("ip", "netns", "exec", name, "nft");
    }

    /**
     * Runs nft in the namespace with {@code args}; returns stdout, throws with stderr on failure.
     */
    public String nft(String... args) {
        List<String> cmd = new ArrayList<>(nftCommand());
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs {@code args} inside this namespace; returns its output, throws with it on failure. */
    public String exec(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name));
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        cmd + " failed (exit " + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long uid() {
        try {
            return Long.parseLong(run(List.of("id", "-u")).strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return true;
                }
            }
        }
        return false;
    }
}
