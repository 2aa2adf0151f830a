package ringdb.storage.commitlog;

/** A place in the commit log: a segment and a byte offset in it. Ordered by segment, then offset. */
public record CommitLogPosition(long segmentId, long offset) implements Comparable<CommitLogPosition> {
    public static final CommitLogPosition NONE = new CommitLogPosition(0, 0);

    @Override
    public int compareTo(CommitLogPosition other) {
        int bySegment = Long.compare(segmentId, other.segmentId);
        return bySegment != 0 ? bySegment : Long.compare(offset, other.offset);
    }

    public static CommitLogPosition max(CommitLogPosition a, CommitLogPosition b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
