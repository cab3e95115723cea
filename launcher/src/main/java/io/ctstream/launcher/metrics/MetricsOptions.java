package io.ctstream.launcher.metrics;

import picocli.CommandLine.Option;

/**
 * {@code --metrics-host}, {@code --metrics-port}: where an agent serves {@code GET /metrics} for
 * Prometheus.
 */
public final class MetricsOptions {
    @Option(
            names = "--metrics-port",
            defaultValue = "-1",
            paramLabel = "PORT",
            description =
                    "Serve Prometheus metrics on http://HOST:PORT/metrics (0: any free port; default: none).")
    public int port;

    // loopback by default: the endpoint has no authentication; a Prometheus elsewhere needs
    // --metrics-host given
    @Option(
            names = "--metrics-host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description =
                    "Address the metrics endpoint binds (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    public String host;

    /** Starts the endpoint if asked for and prints its URL, as the query server's is printed. */
    public PrometheusMetrics start() {
        PrometheusMetrics metrics = new PrometheusMetrics();
        int bound = metrics.serve(host, port);
        if (bound >= 0) {
            System.out.println("metrics.url=http://" + host + ":" + bound + "/metrics");
        }
        return metrics;
    }
}
