package io.ctstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioDistributionTest {

    @TempDir Path dir;

    @Test
    void racingUnpacksAllEndWithOneCompleteCopyAndNoLeftovers() throws Exception {
        Path zip = zipWithFiles(dir.resolve("dist.zip"), 200);
        Path target = dir.resolve("cache").resolve("dist-1.0");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Path>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Callable<Path> unpack = () -> ApicurioDistribution.unpackOnce(zip, target);
                results.add(pool.submit(unpack));
            }
            for (Future<Path> f : results) {
                assertThat(f.get()).isEqualTo(target);
            }
        } finally {
            pool.shutdown();
        }

        try (Stream<Path> files = Files.list(target.resolve("lib"))) {
            assertThat(files.count()).isEqualTo(200);
        }
        assertThat(target.resolve("lib/f199.jar")).hasContent("content 199");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("dist-1.0");
        }
    }

    @Test
    void anExplicitZipThatDoesNotExistIsAClearError() {
        String old = System.getProperty("ctstream.apicurio.zip");
        System.setProperty("ctstream.apicurio.zip", dir.resolve("missing.zip").toString());
        try {
            assertThatThrownBy(() -> ApicurioDistribution.locateZip("2.6.13.Final", null))
                    .hasMessageContaining("ctstream.apicurio.zip")
                    .hasMessageContaining("missing.zip");
        } finally {
            if (old == null) {
                System.clearProperty("ctstream.apicurio.zip");
            } else {
                System.setProperty("ctstream.apicurio.zip", old);
            }
        }
    }

    @Test
    void aMissingDistributionNamesThePlacesItLookedAt() {
        assertThatThrownBy(() -> ApicurioDistribution.locateZip("0.0.0-none", dir.toString()))
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("apicurio-registry-app-0.0.0-none-all.zip");
    }

    @Test
    void theBuiltAgainstDistributionIsFoundAndNamesItsMainClass() {
        ApicurioDistribution distribution = ApicurioDistribution.installed();

        assertThat(distribution.runnerJar()).isRegularFile();
        assertThat(distribution.home().resolve("lib")).isDirectory();
        assertThat(distribution.mainClass()).isNotBlank();
    }

    private static Path zipWithFiles(Path zip, int count) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("lib/"));
            z.closeEntry();
            for (int i = 0; i < count; i++) {
                z.putNextEntry(new ZipEntry("lib/f" + i + ".jar"));
                z.write(("content " + i).getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }
}
