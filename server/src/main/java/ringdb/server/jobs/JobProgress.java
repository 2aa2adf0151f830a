package ringdb.server.jobs;

/**
 * How far a job got: {@code phase} in words, and {@code done} of {@code total} {@code unit} where the
 * operation can count (total 0 when it cannot). Immutable.
 */
public record JobProgress(String phase, long done, long total, String unit) {
    public static JobProgress phase(String phase) {
        return new JobProgress(phase, 0, 0, "");
    }

    /** "rewriting 3 tables: 120 of 4000 entries" or the phase alone. */
    public String describe() {
        return total > 0 ? phase + ": " + done + " of " + total + " " + unit : phase;
    }
}
