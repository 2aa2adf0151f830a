package ringdb.cql.virtual;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import ringdb.cql.statements.ColumnSpec;

/** Rows of a SELECT's result: one serialized value (null for none) per result column. */
public record ResultSet(List<ColumnSpec> columns, List<List<byte[]>> rows) {
    public ResultSet {
        columns = List.copyOf(columns);
        List<List<byte[]>> copy = new ArrayList<>();
        for (List<byte[]> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
