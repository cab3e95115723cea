package io.ctstream.embedded.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Fuzzing inputs for jqwik properties: a corpus from the test resources ({@code fuzz/<target>/},
 * one input per file), mutated by {@link ByteMutator}, mixed with purely random bytes. The number
 * of tries is jqwik's ({@code jqwik.tries.default}, see each module's junit-platform.properties).
 */
public final class FuzzInputs {
    private FuzzInputs() {}

    /** Every file of the test resource folder {@code fuzz/<target>}, sorted by name. */
    public static List<byte[]> corpus(String target) {
        URL url = FuzzInputs.class.getClassLoader().getResource("fuzz/" + target);
        if (url == null) {
            throw new IllegalStateException(
                    "no fuzz corpus fuzz/" + target + " on the test class path");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> out =
                    files.filter(Files::isRegularFile).sorted().map(FuzzInputs::read).toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("empty fuzz corpus fuzz/" + target);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Mutated corpus entries (nine in ten) and random bytes up to {@code maxLength}, which also
     * covers the empty input.
     */
    public static Arbitrary<byte[]> of(
            List<byte[]> corpus, List<String> dictionary, int maxLength) {
        ByteMutator mutator = new ByteMutator(corpus, dictionary, maxLength);
        Arbitrary<byte[]> mutated =
                Combinators.combine(
                                Arbitraries.integers().between(0, corpus.size() - 1),
                                Arbitraries.longs())
                        .as(mutator::mutate);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength);
        return Arbitraries.frequencyOf(Tuple.of(9, mutated), Tuple.of(1, random));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
