package ringdb.storage;

import java.util.List;

/**
 * What opening an engine found and did: tables opened, commit log records replayed, torn tails
 * cut off and damaged records skipped (only with skip_corrupt_commit_log_records). Nothing is
 * dropped without appearing here.
 */
public record RecoveryReport(int tablesOpened, int segmentsReplayed, long recordsReplayed, long bytesReplayed,
                             List<TornTail> tornTails, long corruptRecordsSkipped, long corruptBytesSkipped,
                             int temporaryFilesRemoved) {
    /**
     * The newest segment was cut at {@code offset}, dropping {@code bytes}: a final record a crash
     * cut short ({@code recordCut}), or only space no record of this segment was written to (zeros
     * or a recycled file's old bytes after the last record, or a segment whose creation a crash
     * interrupted). Either way nothing dropped was ever acknowledged.
     */
    public record TornTail(String path, long offset, long bytes, boolean recordCut) {
    }

    public RecoveryReport {
        tornTails = List.copyOf(tornTails);
    }

    /** One line for logs. */
    public String summary() {
        StringBuilder line = new StringBuilder()
                .append("opened ").append(tablesOpened).append(" tables, replayed ").append(recordsReplayed)
                .append(" commit log records (").append(bytesReplayed).append(" bytes) from ")
                .append(segmentsReplayed).append(" segments");
        for (TornTail torn : tornTails) {
            if (torn.recordCut()) {
                line.append("; cut a torn last record (never acknowledged) at offset ").append(torn.offset())
                        .append(" of ").append(torn.path()).append(", ").append(torn.bytes()).append(" bytes");
            } else {
                line.append("; cut ").append(torn.bytes())
                        .append(" bytes of unwritten space after the last record at offset ")
                        .append(torn.offset()).append(" of ").append(torn.path());
            }
        }
        if (corruptRecordsSkipped > 0) {
            line.append("; SKIPPED ").append(corruptRecordsSkipped).append(" corrupt records (")
                    .append(corruptBytesSkipped).append(" bytes)");
        }
        return line.toString();
    }
}
