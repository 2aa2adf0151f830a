package ringdb.core.schema;

/** What part of a table a column is. The numbers are part of the schema serialization: never renumber. */
public enum ColumnKind {
    PARTITION_KEY(0), CLUSTERING(1), STATIC(2), REGULAR(3);

    public final int id;

    ColumnKind(int id) {
        this.id = id;
    }

    public boolean isPrimaryKey() {
        return this == PARTITION_KEY || this == CLUSTERING;
    }

    static ColumnKind of(int id) {
        for (ColumnKind k : values()) {
            if (k.id == id) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown column kind " + id);
    }
}
