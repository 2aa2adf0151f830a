package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;

/** Helpers shared by the DML and SELECT statements. */
final class Statements {
    private Statements() {
    }

    static List<Integer> partitionKeyBindIndexes(List<Restriction> partitionKey) {
        List<Integer> out = new ArrayList<>();
        for (Restriction r : partitionKey) {
            if (r.operator() != Restriction.Operator.EQ || !(r.values().get(0) instanceof Term.Marker m)) {
                return List.of();
            }
            out.add(m.index());
        }
        return out;
    }

    /**
     * Every combination of the restrictions' values (each an equality or IN), in order. An equality
     * (one value) extends every combination in place rather than copying them, so the usual statement
     * (one equality per column) makes one list.
     */
    static List<List<byte[]>> cartesian(List<Restriction> restrictions, BindValues values, int max) {
        List<List<byte[]>> out = new ArrayList<>(1);
        out.add(new ArrayList<>(restrictions.size()));
        for (Restriction r : restrictions) {
            List<byte[]> choices = r.bind(values);
            if (choices.size() == 1) {
                for (List<byte[]> prefix : out) {
                    prefix.add(choices.get(0));
                }
                continue;
            }
            List<List<byte[]>> next = new ArrayList<>();
            for (List<byte[]> prefix : out) {
                for (byte[] choice : choices) {
                    if (next.size() >= max) {
                        throw new InvalidRequestException("IN restrictions name more than " + max
                                + " partitions or rows; split the statement");
                    }
                    List<byte[]> combined = new ArrayList<>(prefix);
                    combined.add(choice);
                    next.add(combined);
                }
            }
            out = next;
        }
        return out;
    }
}
