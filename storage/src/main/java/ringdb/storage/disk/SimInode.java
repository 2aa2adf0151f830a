package ringdb.storage.disk;

/**
 * An inode of a {@link SimDisk}: the bytes a file (or several hard links) holds. A recycled file
 * also has the {@code stale} bytes of its previous life: visible past {@code length}, and back
 * wherever a crash loses unsynced writes over them. Simulation thread only.
 */
final class SimInode {
    byte[] data = new byte[256];
    int length;
    int syncedLength;
    byte[] stale;

    int visibleLength() {
        return stale == null ? length : Math.max(length, stale.length);
    }

    /** A crash keeps the first {@code kept} bytes written; the old bytes show again past them. */
    void loseUnsyncedFrom(int kept) {
        if (stale != null) {
            for (int i = kept; i < length && i < stale.length; i++) {
                data[i] = stale[i];
            }
        }
        length = kept;
    }
}
