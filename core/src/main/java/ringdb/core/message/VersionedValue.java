package ringdb.core.message;

import java.util.Objects;

/** One application state of an endpoint ("STATUS" → "NORMAL") with the version it was set at. */
public record VersionedValue(String name, String value, long version) {
    public VersionedValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
