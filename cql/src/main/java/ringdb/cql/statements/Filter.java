package ringdb.cql.statements;

import java.nio.ByteBuffer;
import java.util.List;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;

/**
 * A restriction applied to each row read (what ALLOW FILTERING allows): the row matches when the
 * column's value compares as the operator says, in the column type's order. A row without a
 * value for the column never matches. {@code CONTAINS} matches a list or set holding an element
 * equal to the value, or a map holding it as one of its values; {@code CONTAINS KEY} a map holding
 * it as a key (an empty or missing collection holds nothing).
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
        if (operator.isContains()) {
            return contains(value);
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

    /**
     * Whether a serialized collection (an element count, then each element as a length and its bytes;
     * a map's keys and values alternate) holds the value where the operator looks.
     */
    private boolean contains(byte[] collection) {
        CqlType type = column.type();
        boolean map = type instanceof MapType;
        CqlType part;
        if (type instanceof MapType m) {
            part = operator == Restriction.Operator.CONTAINS_KEY ? m.key() : m.value();
        } else if (type instanceof ListType l) {
            part = l.element();
        } else if (type instanceof SetType s) {
            part = s.element();
        } else {
            throw new IllegalStateException("CONTAINS on " + type.cqlName());
        }
        int wanted = map && operator == Restriction.Operator.CONTAINS ? 1 : 0;
        ByteBuffer in = ByteBuffer.wrap(collection);
        int count = in.getInt() * (map ? 2 : 1);
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length < 0) {
                continue;
            }
            byte[] element = new byte[length];
            in.get(element);
            if ((!map || i % 2 == wanted) && part.compare(element, values.get(0)) == 0) {
                return true;
            }
        }
        return false;
    }
}
