package ringdb.storage.commitlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import ringdb.storage.disk.Disk;

/** The commit log segments a directory holds, found by their file names. */
public final class CommitLogSegments {
    private CommitLogSegments() {
    }

    /** The ids of the segment files in {@code directory}, oldest (lowest) first; other files are ignored. */
    public static List<Long> ids(Disk disk, String directory) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String name : disk.list(directory)) {
            long id = CommitLogFormat.segmentId(name);
            if (id >= 0) {
                ids.add(id);
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The path of segment {@code segmentId} in {@code directory}. */
    public static String path(String directory, long segmentId) {
        return Disk.join(directory, CommitLogFormat.segmentName(segmentId));
    }
}
