package io.ctstream.launcher.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.schemas.Topics;
import io.ctstream.streams.ConntrackTopology;
import io.ctstream.streams.StreamsAppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The deployment guide's table of topics to pre-create lists exactly the topics the code defines:
 * every name of {@link Topics}, every topic of the streams-app topology ({@link
 * ConntrackTopology#topics}) and the changelog of every store of the topology as it is built
 * (application id {@code ctstream}, the guide's). A topic added in code and not in the guide, or
 * one the guide still lists after the code dropped it, fails here.
 */
class DeployGuideTest {
    private static final Path GUIDE = Path.of("..", "docs", "deploy-multi-host.md");
    private static final Pattern ROW =
            Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE);

    @Test
    void theGuideListsEveryTopicTheCodeDefines() throws Exception {
        assertThat(listedTopics()).containsExactlyInAnyOrderElementsOf(codeTopics());
    }

    @Test
    void theGuideAndTheArchiveLinkTheThreatModel() throws Exception {
        assertThat(Files.readString(GUIDE)).contains("(../SECURITY.md#kafka-acls-per-component)");
        assertThat(Files.readString(Path.of("..", "SECURITY.md")))
                .contains("## Kafka ACLs per component");
        assertThat(Files.readString(Path.of("..", "README.md")))
                .contains("docs/deploy-multi-host.md");
    }

    private static Set<String> listedTopics() throws Exception {
        String text = Files.readString(GUIDE);
        int from = text.indexOf("<!-- topics:");
        int to = text.indexOf("<!-- /topics -->");
        assertThat(from).as("the guide's topics table markers").isNotNegative().isLessThan(to);
        Set<String> names = new TreeSet<>();
        Matcher m = ROW.matcher(text.substring(from, to));
        while (m.find()) {
            assertThat(names.add(m.group(1))).as("listed twice: " + m.group(1)).isTrue();
        }
        return names;
    }

    private static Set<String> codeTopics() throws Exception {
        Set<String> names = new LinkedHashSet<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        StreamsAppConfig config =
                StreamsAppConfig.builder()
                        .applicationId("ctstream")
                        .bootstrapServers("unused:9092")
                        .schemaRegistryUrl("http://unused:8081")
                        .build();
        names.addAll(ConntrackTopology.topics(config));
        TopologyDescription description =
                ConntrackTopology.build(config, new SimpleMeterRegistry()).describe();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> names.add("ctstream-" + store + "-changelog"));
                }
            }
        }
        assertThat(names).as("the code's topics").hasSizeGreaterThan(15);
        return names;
    }
}
