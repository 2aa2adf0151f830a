package ringdb.cql.statements;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.cql.grammar.CqlParser;

/** {@code WITH name = value AND ...} options as plain values: String, or a map of them. */
final class Properties {
    private Properties() {
    }

    static Map<String, Object> of(Iterable<CqlParser.PropertyContext> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (CqlParser.PropertyContext p : properties) {
            String name = Names.of(p.ident());
            if (out.containsKey(name)) {
                throw new InvalidRequestException("Multiple definitions for property " + name);
            }
            out.put(name, value(p.propertyValue()));
        }
        return out;
    }

    static Object value(CqlParser.PropertyValueContext v) {
        if (v.constant() != null) {
            return v.constant().STRING() != null ? Literals.unquote(v.constant().getText())
                    : v.constant().getText().toLowerCase(Locale.ROOT);
        }
        if (v.ident() != null) {
            return Names.of(v.ident());
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < v.propertyValue().size(); i += 2) {
            Object key = value(v.propertyValue(i));
            if (!(key instanceof String k)) {
                throw new InvalidRequestException("a map key of an option must be a string or a number");
            }
            map.put(k, value(v.propertyValue(i + 1)));
        }
        return map;
    }

    /** An integer option, with a message naming it when it is not one. */
    static int integer(String name, Object value) {
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new InvalidRequestException("Invalid value for property '" + name + "': expected an integer, got "
                + value);
    }

    static boolean bool(String name, Object value) {
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidRequestException("Invalid value for property '" + name + "': expected true or false, got "
                + value);
    }
}
