package ringdb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import ringdb.client.RingClient;

/** {@code ringdb jobs [ID]}: the long operations a node runs and ran (GET /v1/admin/jobs). */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists the jobs of the node at --host (repair, decommission, removenode, cleanup, flush,",
            "snapshot): running ones and the last finished ones, newest first, with progress and age;",
            "with an ID, that job in full (JSON: parameters, progress, result or error)."})
final class JobsCommand implements Callable<Integer> {
    @Mixin ClientOptions client;
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "One job's id, e.g. cleanup-3")
    String id;

    @Override
    public Integer call() {
        return KvCommands.guarded(() -> {
            String host = client.hosts().get(0);
            try (RingClient ring = client.client()) {
                if (id != null) {
                    System.out.println(ring.getFrom(host, "/v1/admin/jobs/" + id).toPrettyString());
                    return 0;
                }
                JsonNode jobs = ring.getFrom(host, "/v1/admin/jobs").path("jobs");
                if (jobs.isEmpty()) {
                    System.out.println("no jobs on " + host + " since it started");
                    return 0;
                }
                System.out.printf(Locale.ROOT, "%-18s %-13s %-10s %-8s %s%n", "ID", "KIND", "STATE", "AGE",
                        "PROGRESS");
                for (JsonNode job : jobs) {
                    String progress = job.path("state").asText().equals("running")
                            ? job.path("progress").path("text").asText() : job.path("message").asText();
                    System.out.printf(Locale.ROOT, "%-18s %-13s %-10s %-8s %s%n", job.path("id").asText(),
                            job.path("kind").asText(), job.path("state").asText(),
                            JobWaiter.age(job.path("age_ms").asLong()), progress);
                }
                return 0;
            }
        });
    }
}
