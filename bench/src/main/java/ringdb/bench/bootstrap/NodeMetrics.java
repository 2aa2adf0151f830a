package ringdb.bench.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads single figures from a node's {@code GET /metrics} (Prometheus text format). Thread-safe.
 */
final class NodeMetrics {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The node's metrics text, or fails with what went wrong. */
    String scrape(String httpAddress) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET /metrics of " + httpAddress + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics of " + httpAddress + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading /metrics of " + httpAddress, e);
        }
    }

    /**
     * The value of the sample {@code series} (a metric name, with its labels as the text shows them,
     * e.g. {@code ringdb_internode_bytes{direction="received"}}); NaN when the text has none.
     */
    static double value(String metricsText, String series) {
        for (String line : metricsText.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }
}
