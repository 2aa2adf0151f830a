package ringdb.cql.statements;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;

/**
 * One column's restriction in a WHERE clause: {@code c = v}, {@code c IN (v, ...)} or
 * {@code c IN ?} (one marker for the whole list), {@code c < v} and the other comparisons,
 * {@code c CONTAINS v} and {@code c CONTAINS KEY v} on a collection.
 */
public record Restriction(ColumnMetadata column, Operator operator, List<Term> values, boolean listMarker) {
    /** The comparison a restriction makes. */
    public enum Operator {
        EQ("="), IN("IN"), LT("<"), LTE("<="), GT(">"), GTE(">="), NEQ("!="), CONTAINS("CONTAINS"),
        CONTAINS_KEY("CONTAINS KEY");

        public final String text;

        Operator(String text) {
            this.text = text;
        }

        public boolean isSlice() {
            return this == LT || this == LTE || this == GT || this == GTE;
        }

        /** {@code CONTAINS} or {@code CONTAINS KEY}: a test of a collection's elements, always a filter. */
        public boolean isContains() {
            return this == CONTAINS || this == CONTAINS_KEY;
        }
    }

    public Restriction {
        values = List.copyOf(values);
    }

    /**
     * The values given the bind values: one for a comparison, the list's elements for IN, each
     * validated; a NULL is an error naming the column, an unset value too.
     */
    public List<byte[]> bind(BindValues bindValues) {
        if (!listMarker && values.size() == 1) { // a comparison: no list to grow
            Term.Value v = values.get(0).bind(bindValues);
            checkPresent(v);
            return List.of(v.bytes());
        }
        List<byte[]> out = new ArrayList<>();
        if (listMarker) {
            Term.Value list = values.get(0).bind(bindValues);
            checkPresent(list);
            ByteBuffer b = ByteBuffer.wrap(list.bytes());
            int n = b.getInt();
            for (int i = 0; i < n; i++) {
                byte[] element = new byte[b.getInt()];
                b.get(element);
                out.add(element);
            }
            return out;
        }
        for (Term t : values) {
            Term.Value v = t.bind(bindValues);
            checkPresent(v);
            out.add(v.bytes());
        }
        return out;
    }

    private void checkPresent(Term.Value v) {
        if (v.unset()) {
            throw new InvalidRequestException("Invalid unset value for column " + column.name());
        }
        if (v.bytes() == null) {
            throw new InvalidRequestException("Invalid null value in condition for column " + column.name());
        }
    }
}
