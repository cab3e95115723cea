package io.ctstream.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CONFIGURATION.md's table is the keys' own: the same keys, in the same order, with the same types,
 * defaults and meanings. On a difference the table the code gives is written to {@code
 * target/config-keys.md}: paste it in.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "CONFIGURATION.md");

    @Test
    void theDocumentedTableIsTheCodes() throws IOException {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(ConfigDoc.BEGIN);
        int end = doc.indexOf(ConfigDoc.END);
        assertThat(begin).as("%s has the generated table's markers", DOC).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String documented = doc.substring(begin, end + ConfigDoc.END.length()) + "\n";
        String generated = ConfigDoc.table();
        if (!documented.equals(generated)) {
            Files.writeString(Path.of("target", "config-keys.md"), generated);
        }
        assertThat(documented)
                .as("CONFIGURATION.md's table; the code's is in launcher/target/config-keys.md")
                .isEqualTo(generated);
    }

    @Test
    void everyKeyIsDocumentedWithAMeaning() {
        for (var key : ConfigKeys.tunables()) {
            assertThat(key.doc()).as(key.name()).isNotBlank();
            assertThat(ConfigDoc.table()).contains("| `" + key.name() + "` |");
        }
    }
}
