package ringdb.core.schema.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * map&lt;K, V&gt;: Java value a {@link Map} in key order, JSON an object whose member names are the
 * keys' text forms. Normalised values hold their entries sorted by key without duplicate keys
 * (the last given wins). Non-frozen entries are cells keyed by the map key.
 */
public final class MapType extends CollectionType {
    private final CqlType key;
    private final CqlType value;

    MapType(CqlType key, CqlType value, boolean frozen) {
        super(frozen);
        this.key = key;
        this.value = value;
    }

    public CqlType key() {
        return key;
    }

    public CqlType value() {
        return value;
    }

    @Override
    String kind() {
        return "map";
    }

    @Override
    List<CqlType> parts() {
        return List.of(key, value);
    }

    @Override
    public CqlType cellKeyType() {
        return key;
    }

    @Override
    public CqlType cellValueType() {
        return value;
    }

    @Override
    public CqlType freeze() {
        return isFrozen() ? this : new MapType(key, value, true);
    }

    @Override
    public byte[] normalize(byte[] serialized) {
        return sorted(elements(serialized));
    }

    /** Sorts flattened key, value pairs by key; of equal keys the last one stays. */
    private byte[] sorted(List<byte[]> flat) {
        List<byte[][]> entries = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 2) {
            entries.add(new byte[][] {flat.get(i), flat.get(i + 1)});
        }
        List<byte[][]> byKey = new ArrayList<>(entries);
        byKey.sort((a, b) -> key.compare(a[0], b[0]));
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < byKey.size(); i++) {
            boolean lastOfKey = i + 1 == byKey.size() || key.compare(byKey.get(i)[0], byKey.get(i + 1)[0]) != 0;
            if (lastOfKey) {
                out.add(byKey.get(i)[0]);
                out.add(byKey.get(i)[1]);
            }
        }
        return serialize(out, out.size() / 2);
    }

    @Override
    public Object toJava(byte[] serialized) {
        Map<Object, Object> out = new LinkedHashMap<>();
        List<byte[]> flat = elements(serialized);
        for (int i = 0; i < flat.size(); i += 2) {
            out.put(key.toJava(flat.get(i)), value.toJava(flat.get(i + 1)));
        }
        return out;
    }

    @Override
    public byte[] fromJava(Object java) {
        if (!(java instanceof Map<?, ?> map)) {
            throw wrongJava(java, "a Map");
        }
        List<byte[]> flat = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            flat.add(key.fromJava(e.getKey()));
            flat.add(value.fromJava(e.getValue()));
        }
        return sorted(flat);
    }

    @Override
    public Object toJson(byte[] serialized) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<byte[]> flat = elements(serialized);
        for (int i = 0; i < flat.size(); i += 2) {
            out.put(key.toString(flat.get(i)), value.toJson(flat.get(i + 1)));
        }
        return out;
    }

    @Override
    byte[] fromJsonValue(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            throw wrongJava(json, "a JSON object");
        }
        List<byte[]> flat = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            flat.add(key.fromString(String.valueOf(e.getKey())));
            flat.add(value.fromJson(e.getValue()));
        }
        return sorted(flat);
    }
}
