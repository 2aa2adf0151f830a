package ringdb.core.schema.types;

import java.util.ArrayList;
import java.util.List;

/** list&lt;T&gt;: Java value a {@link List}, JSON an array. Non-frozen elements are cells keyed by a timeuuid. */
public final class ListType extends CollectionType {
    private final CqlType element;

    ListType(CqlType element, boolean frozen) {
        super(frozen);
        this.element = element;
    }

    public CqlType element() {
        return element;
    }

    @Override
    String kind() {
        return "list";
    }

    @Override
    List<CqlType> parts() {
        return List.of(element);
    }

    @Override
    public CqlType cellKeyType() {
        return CqlTypes.TIMEUUID;
    }

    @Override
    public CqlType cellValueType() {
        return element;
    }

    @Override
    public CqlType freeze() {
        return isFrozen() ? this : new ListType(element, true);
    }

    @Override
    public Object toJava(byte[] value) {
        List<Object> out = new ArrayList<>();
        for (byte[] e : elements(value)) {
            out.add(element.toJava(e));
        }
        return out;
    }

    @Override
    public byte[] fromJava(Object value) {
        if (!(value instanceof List<?> list)) {
            throw wrongJava(value, "a List");
        }
        List<byte[]> flat = new ArrayList<>();
        for (Object o : list) {
            flat.add(element.fromJava(o));
        }
        return serialize(flat, flat.size());
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
        return serialize(flat, flat.size());
    }
}
