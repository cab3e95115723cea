package io.ctstream.embedded;

import io.ctstream.embedded.process.DataDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Apicurio Registry distribution ({@code io.apicurio:apicurio-registry-app:<version>:zip:all},
 * a dependency of this module, so Maven has put it into the local repository), unpacked once into a
 * cache directory shared by every JVM of the machine.
 *
 * <p>The zip is looked up in this order: system property {@code ctstream.apicurio.zip}; the local
 * repository this module was built with (written into {@code build.properties} by Maven); system
 * property {@code maven.repo.local}; {@code ~/.m2/repository}. It is unpacked into {@code
 * ~/.cache/ctstream/apicurio-<version>} (base directory: system property {@code
 * ctstream.cache.dir}), into a temporary sibling first and then renamed, so JVMs that race never
 * see half a distribution.
 */
public final class ApicurioDistribution {

    private static final String ARTIFACT_PATH =
            "io/apicurio/apicurio-registry-app/%1$s/apicurio-registry-app-%1$s-all.zip";

    private final String version;
    private final Path home;

    private ApicurioDistribution(String version, Path home) {
        this.version = version;
        this.home = home;
    }

    /** The distribution this module was built against, unpacked (on first use) and ready to run. */
    public static ApicurioDistribution installed() {
        Properties build = buildProperties();
        String version = build.getProperty("apicurio.version");
        Path zip = locateZip(version, build.getProperty("maven.local.repository"));
        Path cacheBase =
                Paths.get(
                        System.getProperty(
                                "ctstream.cache.dir",
                                Paths.get(System.getProperty("user.home"), ".cache", "ctstream")
                                        .toString()));
        return new ApicurioDistribution(
                version, unpackOnce(zip, cacheBase.resolve("apicurio-" + version)));
    }

    public String version() {
        return version;
    }

    public Path home() {
        return home;
    }

    /** The Quarkus runner jar; its manifest's Class-Path names the jars under {@code lib/}. */
    public Path runnerJar() {
        return home.resolve("apicurio-registry-app-" + version + "-runner.jar");
    }

    /** The real main class, read from the runner jar's manifest (not guessed). */
    public String mainClass() {
        try (JarFile jar = new JarFile(runnerJar().toFile())) {
            String main = jar.getManifest().getMainAttributes().getValue("Main-Class");
            if (main == null) {
                throw new IllegalStateException("no Main-Class in the manifest of " + runnerJar());
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runnerJar(), e);
        }
    }

    static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "io/ctstream/embedded/build.properties is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static Path locateZip(String version, String buildTimeRepository) {
        String relative = String.format(ARTIFACT_PATH, version);
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getProperty("ctstream.apicurio.zip");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Paths.get(explicit);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(
                        "-Dctstream.apicurio.zip=" + explicit + " is not a file");
            }
            return p;
        }
        if (buildTimeRepository != null
                && !buildTimeRepository.isBlank()
                && !buildTimeRepository.startsWith("${")) {
            candidates.add(Paths.get(buildTimeRepository).resolve(relative));
        }
        String repoLocal = System.getProperty("maven.repo.local");
        if (repoLocal != null && !repoLocal.isBlank()) {
            candidates.add(Paths.get(repoLocal).resolve(relative));
        }
        candidates.add(
                Paths.get(System.getProperty("user.home"), ".m2", "repository").resolve(relative));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "Apicurio Registry "
                        + version
                        + " distribution not found; looked at "
                        + candidates
                        + ". Build the project with Maven once (it downloads io.apicurio:apicurio-registry-app:"
                        + version
                        + ":zip:all) or point -Dctstream.apicurio.zip at the zip.");
    }

    /**
     * Unpacks {@code zip} into {@code target} unless it is there already; safe against racing JVMs.
     */
    static Path unpackOnce(Path zip, Path target) {
        if (Files.isDirectory(target)) {
            return target;
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp =
                    Files.createTempDirectory(
                            target.getParent(), target.getFileName() + ".unpacking-");
            unzip(zip, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            // another JVM finished first: use its copy
        } catch (IOException e) {
            if (!Files.isDirectory(target)) {
                throw new UncheckedIOException("cannot unpack " + zip + " into " + target, e);
            }
            // rename onto a non-empty directory some other JVM created meanwhile: theirs is
            // complete
        } finally {
            DataDirs.deleteQuietly(tmp);
        }
        return target;
    }

    private static void unzip(Path zip, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException(
                            "zip entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = zf.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
    }
}
