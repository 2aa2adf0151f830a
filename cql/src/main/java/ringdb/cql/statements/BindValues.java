package ringdb.cql.statements;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;

/**
 * The values of a statement's bind markers as a driver sends them: serialized, null for NULL, and
 * unset (protocol v4: leave the column as it is) marked apart.
 */
public final class BindValues {
    /** The unset indexes of values that have none (never changed). */
    private static final BitSet NONE_UNSET = new BitSet();
    /** No values: for a statement without bind markers. */
    public static final BindValues NONE = new BindValues(new byte[0][], null);

    private final byte[][] values;
    private final BitSet unset;

    /** Takes {@code values} and {@code unset} (null: none) as they are: callers hand over arrays they no longer use. */
    private BindValues(byte[][] values, BitSet unset) {
        this.values = values;
        this.unset = unset == null || unset.isEmpty() ? NONE_UNSET : unset;
    }

    /** Positional values; an element may be null (NULL). */
    public static BindValues of(List<byte[]> values) {
        return new BindValues(values.toArray(new byte[0][]), null);
    }

    /** Positional values, those at the indexes set in {@code unset} being unset. */
    public static BindValues of(List<byte[]> values, BitSet unset) {
        return new BindValues(values.toArray(new byte[0][]), (BitSet) unset.clone());
    }

    /**
     * Positional values taken without a copy: the caller made {@code values} and {@code unset} (null:
     * none unset) for these values alone and does not change them afterwards.
     */
    public static BindValues handedOver(byte[][] values, BitSet unset) {
        return new BindValues(values, unset);
    }

    /**
     * Named values (query flag 0x40) put in the order of {@code variables}; a variable without a
     * value is an error, a name that matches no variable too.
     */
    public static BindValues named(Map<String, byte[]> byName, BitSet unsetNames, List<String> names,
                                   List<ColumnSpec> variables) {
        byte[][] out = new byte[variables.size()][];
        BitSet unset = new BitSet();
        for (int i = 0; i < variables.size(); i++) {
            String name = variables.get(i).name();
            if (!byName.containsKey(name)) {
                throw new InvalidRequestException("No value for bind variable " + name);
            }
            out[i] = byName.get(name);
            int at = names.indexOf(name);
            if (at >= 0 && unsetNames.get(at)) {
                unset.set(i);
            }
        }
        for (String name : byName.keySet()) {
            if (variables.stream().noneMatch(v -> v.name().equals(name))) {
                throw new InvalidRequestException("Unknown bind variable " + name);
            }
        }
        return new BindValues(out, unset);
    }

    public int size() {
        return values.length;
    }

    /** Whether value {@code index} is unset. */
    public boolean isUnset(int index) {
        return unset.get(index);
    }

    /** Value {@code index}, null for NULL (check {@link #isUnset} first). */
    public byte[] get(int index) {
        return values[index];
    }

    /** Refuses a count of values other than the statement's count of bind markers. */
    public void checkCount(int expected) {
        if (values.length != expected) {
            throw new InvalidRequestException("There were " + expected + " markers(?) in CQL but " + values.length
                    + " bound variables");
        }
    }
}
