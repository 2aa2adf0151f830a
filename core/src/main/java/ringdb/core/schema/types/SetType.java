package ringdb.core.schema.types;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * set&lt;T&gt;: Java value a {@link Set} in the element type's order, JSON an array. Normalised
 * values hold their elements sorted, without duplicates. Non-frozen elements are cells keyed
 * by the element, with an empty value.
 */
public final class SetType extends CollectionType {
    private final CqlType element;

    SetType(CqlType element, boolean frozen) {
        super(frozen);
        this.element = element;
    }

    public CqlType element() {
        return element;
    }

    @Override
    String kind() {
        return "set";
    }

    @Override
    List<CqlType> parts() {
        return List.of(element);
    }

    @Override
    public CqlType cellKeyType() {
        return element;
    }

    @Override
    public CqlType cellValueType() {
        return CqlTypes.BLOB;
    }

    @Override
    public CqlType freeze() {
        return isFrozen() ? this : new SetType(element, true);
    }

    @Override
    public byte[] normalize(byte[] value) {
        return sorted(elements(value));
    }

    private byte[] sorted(List<byte[]> flat) {
        List<byte[]> out = new ArrayList<>(flat);
        out.sort(element::compare);
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] e : out) {
            if (distinct.isEmpty() || element.compare(distinct.get(distinct.size() - 1), e) != 0) {
                distinct.add(e);
            }
        }
        return serialize(distinct, distinct.size());
    }

    @Override
    public Object toJava(byte[] value) {
        Set<Object> out = new LinkedHashSet<>();
        for (byte[] e : elements(value)) {
            out.add(element.toJava(e));
        }
        return out;
    }

    @Override
    public byte[] fromJava(Object value) {
        if (!(value instanceof Collection<?> set)) {
            throw wrongJava(value, "a Set");
        }
        List<byte[]> flat = new ArrayList<>();
        for (Object o : set) {
            flat.add(element.fromJava(o));
        }
        return sorted(flat);
    }

    @Override
    public Object toJson(byte[] value) {
        List<Object> out = new ArrayList<>();
        for (byte[] e : elements(value)) {
            out.add(element.toJson(e));
        }
        return out;
    }

    @Override
    byte[] fromJsonValue(Object json) {
        if (!(json instanceof List<?> list)) {
            throw wrongJava(json, "a JSON array");
        }
        List<byte[]> flat = new ArrayList<>();
        for (Object o : list) {
            flat.add(element.fromJson(o));
        }
        return sorted(flat);
    }
}
