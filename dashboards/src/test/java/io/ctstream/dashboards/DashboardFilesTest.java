package io.ctstream.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard files fit together with the provisioning files Grafana loads them by. */
class DashboardFilesTest {

    @Test
    void theFourDashboardsHaveUniqueUidsAndPanelsWithQueries() {
        List<Path> files = DashboardQueries.files();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("overview.json", "capture.json", "helpers.json", "enforcement.json");
        Set<String> uids = new HashSet<>();
        for (Path f : files) {
            JsonNode d = DashboardQueries.read(f);
            assertThat(uids.add(d.path("uid").asText())).as(f + ": uid unique").isTrue();
            assertThat(d.path("panels")).as(f + ": panels").isNotEmpty();
            d.path("panels").forEach(p -> assertThat(p.path("targets")).as(f + ": " + p.path("title")).isNotEmpty());
        }
    }

    @Test
    void everyPanelUsesTheProvisionedDatasource() throws Exception {
        JsonNode ds = new YAMLMapper().readTree(Path.of("grafana", "provisioning", "datasources", "prometheus.yml").toFile());
        String uid = ds.path("datasources").get(0).path("uid").asText();
        for (Path f : DashboardQueries.files()) {
            for (JsonNode p : DashboardQueries.read(f).path("panels")) {
                assertThat(p.path("datasource").path("uid").asText()).as(f + ": " + p.path("title")).isEqualTo(uid);
                p.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo(uid));
            }
        }
    }

    @Test
    void everyQueryBecomesConcretePromql() {
        assertThat(DashboardQueries.all()).allSatisfy(q -> assertThat(q.promql()).doesNotContain("$"));
    }
}
