package ringdb.cql.statements;

import java.util.List;
import ringdb.core.schema.ColumnMetadata;

/**
 * A restriction applied to each row read (what ALLOW FILTERING allows): the row matches when the
 * column's value compares as the operator says, in the column type's order. A row without a
 * value for the column never matches.
 */
public record Filter(ColumnMetadata column, Restriction.Operator operator, List<byte[]> values) {
    public Filter {
        values = List.copyOf(values);
    }

    public boolean test(byte[] value) {
        if (value == null) {
            return false;
        }
        if (operator == Restriction.Operator.IN) {
            return values.stream().anyMatch(v -> column.type().compare(value, v) == 0);
        }
        int c = column.type().compare(value, values.get(0));
        return switch (operator) {
            case EQ -> c == 0;
            case NEQ -> c != 0;
            case LT -> c < 0;
            case LTE -> c <= 0;
            case GT -> c > 0;
            case GTE -> c >= 0;
            default -> throw new IllegalStateException("no filter for " + operator);
        };
    }
}
