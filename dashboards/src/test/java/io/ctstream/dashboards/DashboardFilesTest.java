package io.ctstream.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard files fit together with the provisioning files Grafana loads them by. */
class DashboardFilesTest {

    @Test
    void theFourDashboardsHaveUniqueUidsAndPanelsWithQueries() {
        List<Path> files = DashboardQueries.files();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(
                        "overview.json", "capture.json", "helpers.json", "enforcement.json");
        Set<String> uids = new HashSet<>();
        for (Path f : files) {
            JsonNode d = DashboardQueries.read(f);
            assertThat(uids.add(d.path("uid").asText())).as(f + ": uid unique").isTrue();
            assertThat(d.path("panels")).as(f + ": panels").isNotEmpty();
            d.path("panels")
                    .forEach(
                            p ->
                                    assertThat(p.path("targets"))
                                            .as(f + ": " + p.path("title"))
                                            .isNotEmpty());
        }
    }

    /**
     * Issue 19: the dashboards name no datasource uid of ours. Imported into any Grafana
     * (Dashboards → Import), the {@code __inputs} entry asks for a Prometheus datasource and
     * Grafana replaces {@code ${DS_PROMETHEUS}} with it; provisioned from files (compose), where
     * inputs are not asked for, the datasource variable of the same name resolves {@code
     * ${DS_PROMETHEUS}} to the default Prometheus datasource, which the provisioned one is.
     */
    @Test
    void everyPanelUsesTheDatasourceInputSoTheDashboardsImportAnywhereAndStillProvision()
            throws Exception {
        JsonNode ds =
                new YAMLMapper()
                        .readTree(
                                Path.of("grafana", "provisioning", "datasources", "prometheus.yml")
                                        .toFile());
        assertThat(ds.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("datasources").get(0).path("isDefault").asBoolean())
                .as("the variable's default")
                .isTrue();
        for (Path f : DashboardQueries.files()) {
            JsonNode d = DashboardQueries.read(f);
            JsonNode input = d.path("__inputs").get(0);
            assertThat(input.path("name").asText()).as(f + ": __inputs").isEqualTo("DS_PROMETHEUS");
            assertThat(input.path("type").asText()).isEqualTo("datasource");
            assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
            JsonNode variable = d.path("templating").path("list").get(0);
            assertThat(variable.path("name").asText())
                    .as(f + ": datasource variable")
                    .isEqualTo("DS_PROMETHEUS");
            assertThat(variable.path("type").asText()).isEqualTo("datasource");
            assertThat(variable.path("query").asText()).isEqualTo("prometheus");
            List<String> uids = new ArrayList<>();
            d.findValues("datasource")
                    .forEach(
                            v -> {
                                if (v.isObject()) {
                                    uids.add(v.path("uid").asText());
                                }
                            });
            assertThat(uids)
                    .as(f + ": every datasource reference")
                    .isNotEmpty()
                    .containsOnly("${DS_PROMETHEUS}");
            for (JsonNode p : d.path("panels")) {
                assertThat(p.path("datasource").path("uid").asText())
                        .as(f + ": " + p.path("title"))
                        .isEqualTo("${DS_PROMETHEUS}");
            }
        }
    }

    @Test
    void everyQueryBecomesConcretePromql() {
        assertThat(DashboardQueries.all())
                .allSatisfy(q -> assertThat(q.promql()).doesNotContain("$"));
    }
}
