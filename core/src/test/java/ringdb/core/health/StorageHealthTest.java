package ringdb.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import ringdb.core.health.StorageHealth.Action;
import ringdb.core.store.StoreFailure;

/** The decision table of the two failure policies, and how their names are read. */
class StorageHealthTest {
    private static final StoreFailure COMMIT = new StoreFailure(StoreFailure.Kind.COMMIT_LOG, null, "enospc");
    private static final StoreFailure WRITE = new StoreFailure(StoreFailure.Kind.DATA_WRITE, null, "enospc");
    private static final StoreFailure READ = new StoreFailure(StoreFailure.Kind.DATA_READ, "/t/1.db", "checksum");
    private static final StoreFailure UNNAMED_READ = new StoreFailure(StoreFailure.Kind.DATA_READ, null, "eio");

    @Test
    void commitLogFailuresFollowTheCommitPolicyOnly() {
        for (DiskFailurePolicy disk : DiskFailurePolicy.values()) {
            assertThat(StorageHealth.decide(COMMIT, disk, CommitFailurePolicy.STOP)).isEqualTo(Action.STOP);
            assertThat(StorageHealth.decide(COMMIT, disk, CommitFailurePolicy.DIE)).isEqualTo(Action.DIE);
            assertThat(StorageHealth.decide(COMMIT, disk, CommitFailurePolicy.STOP_COMMIT))
                    .isEqualTo(Action.REFUSE_WRITES);
            assertThat(StorageHealth.decide(COMMIT, disk, CommitFailurePolicy.IGNORE)).isEqualTo(Action.LOG);
        }
    }

    @Test
    void dataFailuresFollowTheDiskPolicy() {
        for (StoreFailure failure : new StoreFailure[] {WRITE, READ, UNNAMED_READ}) {
            assertThat(StorageHealth.decide(failure, DiskFailurePolicy.STOP, CommitFailurePolicy.IGNORE))
                    .isEqualTo(Action.STOP);
            assertThat(StorageHealth.decide(failure, DiskFailurePolicy.DIE, CommitFailurePolicy.IGNORE))
                    .isEqualTo(Action.DIE);
            assertThat(StorageHealth.decide(failure, DiskFailurePolicy.IGNORE, CommitFailurePolicy.STOP))
                    .isEqualTo(Action.LOG);
        }
        assertThat(StorageHealth.decide(READ, DiskFailurePolicy.BEST_EFFORT, CommitFailurePolicy.STOP))
                .isEqualTo(Action.QUARANTINE);
        assertThat(StorageHealth.decide(UNNAMED_READ, DiskFailurePolicy.BEST_EFFORT, CommitFailurePolicy.STOP))
                .as("no table to set aside").isEqualTo(Action.LOG);
        assertThat(StorageHealth.decide(WRITE, DiskFailurePolicy.BEST_EFFORT, CommitFailurePolicy.STOP))
                .as("a failed flush is retried; the data stays in the commit log").isEqualTo(Action.LOG);
    }

    @Test
    void policiesAreReadByTheirConfigurationNames() {
        assertThat(DiskFailurePolicy.parse("best_effort")).isEqualTo(DiskFailurePolicy.BEST_EFFORT);
        assertThat(CommitFailurePolicy.parse(" Stop_Commit ")).isEqualTo(CommitFailurePolicy.STOP_COMMIT);
        assertThat(CommitFailurePolicy.STOP_COMMIT.configName()).isEqualTo("stop_commit");
        assertThatThrownBy(() -> DiskFailurePolicy.parse("stop_commit")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("disk_failure_policy must be stop, die, best_effort or ignore, not 'stop_commit'");
        assertThatThrownBy(() -> CommitFailurePolicy.parse("best_effort"))
                .hasMessageContaining("commit_failure_policy must be stop, die, stop_commit or ignore");
    }
}
