package io.ctstream.docker;

import static io.ctstream.docker.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jib writes the image tar without a Docker daemon or a registry (profile images, whose default
 * base is the rootfs of docker/base/rootfs.sh), and the image works: its layers, unpacked in order,
 * are a root filesystem in which the image's own entrypoint runs {@code ctstream --version} and
 * {@code nft --version} (chroot, with /proc mounted), and libpcap is there.
 *
 * <p>Builds the launcher through the reactor in a child Maven (about 2-3 minutes: the offline base
 * jlinks a JRE), so it is the one test that proves the image; the compose file is validated apart.
 */
class ImageTarTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path TAR = ROOT.resolve("launcher/target/jib-image.tar");

    @Test
    void jibWritesAnImageTarWhoseEntrypointRuns(@TempDir Path tmp) throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "chroot and mounting /proc need root");
        List<String> mvn =
                new ArrayList<>(
                        List.of(
                                "mvn",
                                "-B",
                                "-ntp",
                                "-q",
                                "-pl",
                                "launcher",
                                "-am",
                                "package",
                                "-Pimages",
                                "-DskipTests"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        Files.deleteIfExists(TAR);
        Commands.Run build = run(ROOT, 900, mvn);
        assertThat(build.exit()).as("image build:\n" + build.output()).isZero();
        assertThat(TAR).isRegularFile();

        Path image = Files.createDirectories(tmp.resolve("image"));
        assertThat(run(image, 120, List.of("tar", "-xf", TAR.toString())).exit()).isZero();
        JsonNode manifest =
                new ObjectMapper().readTree(image.resolve("manifest.json").toFile()).get(0);
        assertThat(manifest.path("RepoTags").toString()).contains("ctstream:");
        JsonNode config =
                new ObjectMapper()
                        .readTree(image.resolve(manifest.path("Config").asText()).toFile());
        List<String> entrypoint = new ArrayList<>();
        config.path("config").path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
        assertThat(entrypoint).contains("io.ctstream.launcher.CtstreamCommand");

        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        for (JsonNode layer : manifest.path("Layers")) {
            Commands.Run x =
                    run(
                            rootfs,
                            120,
                            List.of(
                                    "tar",
                                    "--warning=no-unknown-keyword",
                                    "-xzf",
                                    image.resolve(layer.asText()).toString()));
            assertThat(x.exit()).as(x.output()).isZero();
        }
        Files.createDirectories(rootfs.resolve("proc"));
        assertThat(
                        run(
                                        rootfs,
                                        30,
                                        List.of(
                                                "mount",
                                                "-t",
                                                "proc",
                                                "proc",
                                                rootfs.resolve("proc").toString()))
                                .exit())
                .isZero();
        try {
            List<String> version = new ArrayList<>(List.of("chroot", rootfs.toString()));
            version.addAll(entrypoint);
            version.add("--version");
            Commands.Run ctstream = run(rootfs, 120, version);
            assertThat(ctstream.exit()).as(ctstream.output()).isZero();
            assertThat(ctstream.output()).contains("ctstream");
            Commands.Run nft =
                    run(
                            rootfs,
                            30,
                            List.of("chroot", rootfs.toString(), "/usr/sbin/nft", "--version"));
            assertThat(nft.output()).as("nft in the image").contains("nftables");
            // libpcap for the capture agent (pcap4j loads it by name through JNA)
            assertThat(
                            List.of(
                                    "usr/lib/x86_64-linux-gnu/libpcap.so",
                                    "lib/x86_64-linux-gnu/libpcap.so"))
                    .as("libpcap in the image")
                    .anyMatch(lib -> Files.exists(rootfs.resolve(lib)));
        } finally {
            run(rootfs, 30, List.of("umount", rootfs.resolve("proc").toString()));
        }
    }
}
