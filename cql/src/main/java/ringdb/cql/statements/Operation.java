package ringdb.cql.statements;

import ringdb.core.schema.ColumnMetadata;

/**
 * One change to one column of the rows an INSERT, UPDATE or DELETE names. {@code key} is the list
 * index or map key of an element operation, {@code value} the new value (see {@link Kind}).
 */
public record Operation(ColumnMetadata column, Kind kind, Term key, Term value) {
    /** What an operation does; the value's form is given for each. */
    public enum Kind {
        /** {@code c = v}: the column's value (a collection is overwritten whole); NULL deletes it. */
        SET,
        /** {@code DELETE c}: the column's value, or a whole collection. */
        DELETE,
        /** {@code l = l + [..]}: value is a list. */
        LIST_APPEND,
        /** {@code l = [..] + l}: value is a list. */
        LIST_PREPEND,
        /** {@code l[i] = v}: key is the int index, value the element (NULL deletes it). */
        LIST_SET_INDEX,
        /** {@code DELETE l[i]}: key is the int index. */
        LIST_DELETE_INDEX,
        /** {@code l = l - [..]}: value is a list of the elements to remove, every occurrence. */
        LIST_REMOVE_VALUES,
        /** {@code s = s + {..}}: value is a set. */
        SET_ADD,
        /** {@code s = s - {..}}: value is a set. */
        SET_REMOVE,
        /** {@code m = m + {k: v}}: value is a map. */
        MAP_PUT_ALL,
        /** {@code m[k] = v}: key and value (NULL deletes the key). */
        MAP_PUT,
        /** {@code m = m - {k, ..}}: value is a set of the keys. */
        MAP_REMOVE_KEYS,
        /** {@code DELETE m[k]}: key. */
        MAP_DELETE_KEY
    }

    /** The operation with its terms bound; null when a value is unset (the operation does nothing). */
    public BoundOperation bind(BindValues values) {
        byte[] k = null;
        if (key != null) {
            Term.Value v = key.bind(values);
            if (v.unset()) {
                return null;
            }
            if (v.bytes() == null) {
                throw new ringdb.core.data.InvalidRequestException("Invalid null value for " + (kind.name()
                        .startsWith("LIST") ? "list index" : "map key") + " of column " + column.name());
            }
            k = v.bytes();
        }
        byte[] bytes = null;
        if (value != null) {
            Term.Value v = value.bind(values);
            if (v.unset()) {
                return null;
            }
            bytes = v.bytes();
        }
        return new BoundOperation(column, kind, k, bytes);
    }
}
