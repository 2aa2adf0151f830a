package ringdb.cql.statements;

import java.util.Arrays;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.cql.CqlParsing;
import ringdb.cql.grammar.CqlParser;

/** The bind variables of one statement as analysis finds out what each marker stands for. */
final class Binds {
    private final CqlParsing.Parsed parsed;
    private final ColumnSpec[] specs;
    private boolean inBatch;

    Binds(CqlParsing.Parsed parsed) {
        this.parsed = parsed;
        this.specs = new ColumnSpec[parsed.markers().size()];
    }

    /**
     * While the statements of a batch are analysed, {@link #variables} answers an empty list: the
     * batch gives each statement the full list once all are analysed.
     */
    void inBatch(boolean value) {
        inBatch = value;
    }

    /** The marker's term, described by {@code spec} (renamed after a named marker {@code :name}). */
    Term.Marker marker(CqlParser.BindMarkerContext marker, ColumnSpec spec) {
        int index = parsed.indexOf(marker);
        ColumnSpec named = marker.ident() == null ? spec
                : new ColumnSpec(spec.keyspace(), spec.table(), Names.of(marker.ident()), spec.type());
        specs[index] = named;
        return new Term.Marker(index, named);
    }

    /** Every marker's spec, in marker order; a marker in a place that takes none is an error. */
    List<ColumnSpec> variables() {
        if (inBatch) {
            return List.of();
        }
        for (int i = 0; i < specs.length; i++) {
            if (specs[i] == null) {
                throw new InvalidRequestException("bind marker " + (i + 1) + " ("
                        + parsed.markers().get(i).getText() + ") is in a place that takes no value");
            }
        }
        return List.copyOf(Arrays.asList(specs));
    }
}
