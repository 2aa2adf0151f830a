package ringdb.server.jobs;

import java.util.Locale;

/** Where a job stands. A job leaves {@link #RUNNING} once, for one of the others. */
public enum JobState {
    RUNNING,
    SUCCEEDED,
    FAILED;

    /** The lower-case name used in JSON and by the CLI. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
