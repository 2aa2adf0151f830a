package ringdb.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import ringdb.server.api.JsonResponses;

class JobRegistryTest {
    private final AtomicLong nowMillis = new AtomicLong(1_000);
    private final JobRegistry registry = new JobRegistry(3, Set.of("cleanup"), nowMillis::get);

    @Test
    void aSecondJobOfAnExclusiveKindIsRefusedNamingTheRunningOneAndAllowedOnceItEnded() {
        Job first = registry.start("cleanup", Map.of(), () -> JobProgress.phase("rewriting"));
        assertThatThrownBy(() -> registry.start("cleanup", Map.of(), () -> JobProgress.phase("x")))
                .isInstanceOf(JobRegistry.ConflictException.class).hasMessageContaining(first.id())
                .hasMessageContaining("already running");
        Job flush = registry.start("flush", Map.of(), () -> JobProgress.phase("flushing"));
        Job otherFlush = registry.start("flush", Map.of(), () -> JobProgress.phase("flushing"));
        assertThat(otherFlush.id()).as("flushes may overlap").isNotEqualTo(flush.id());
        registry.fail(first, "disk full");
        assertThat(registry.start("cleanup", Map.of(), () -> JobProgress.phase("x")).id()).isEqualTo("cleanup-4");
    }

    @Test
    void keepsEveryRunningJobAndOnlyTheLastFinishedOnesNewestFirst() {
        Job running = registry.start("repair", Map.of(), () -> JobProgress.phase("syncing"));
        for (int i = 0; i < 5; i++) {
            registry.succeed(registry.start("flush", Map.of(), () -> JobProgress.phase("flushing")), message("ok"));
        }
        assertThat(registry.list()).extracting(Job::id)
                .containsExactly("flush-6", "flush-5", "flush-4", "repair-1");
        assertThat(registry.find("flush-2")).as("forgotten").isEmpty();
        assertThat(registry.find(running.id())).contains(running);
    }

    @Test
    void showsProgressWhileRunningAndTheOutcomeOnceEnded() {
        Job job = registry.start("cleanup", Map.of("ring", "v7"),
                () -> new JobProgress("rewriting 2 tables", 40, 100, "entries"));
        nowMillis.addAndGet(12_000);
        JsonNode running = job.toJson(nowMillis.get());
        assertThat(running.path("state").asText()).isEqualTo("running");
        assertThat(running.path("age_ms").asLong()).isEqualTo(12_000);
        assertThat(running.path("parameters").path("ring").asText()).isEqualTo("v7");
        assertThat(running.path("progress").path("text").asText()).isEqualTo("rewriting 2 tables: 40 of 100 entries");
        registry.succeed(job, message("cleanup removed 9 entries"));
        registry.fail(job, "too late: ignored");
        nowMillis.addAndGet(5_000);
        JsonNode ended = job.toJson(nowMillis.get());
        assertThat(ended.path("state").asText()).isEqualTo("succeeded");
        assertThat(ended.path("message").asText()).isEqualTo("cleanup removed 9 entries");
        assertThat(ended.path("duration_ms").asLong()).isEqualTo(12_000);
        assertThat(ended.path("age_ms").asLong()).isEqualTo(17_000);
        assertThat(ended.has("error")).isFalse();
    }

    private static JsonNode message(String text) {
        return JsonResponses.object().put("message", text);
    }
}
