package ringdb.dashboard.model;

import java.util.List;

/**
 * Where a key lives and what each replica holds.
 *
 * @param key      the key (UTF-8 text)
 * @param token    its token as a decimal string
 * @param position its place on the ring, 0..1
 * @param replicas its replicas in preference order (primary first)
 */
public record KeyLookup(String key, String token, double position, List<ReplicaValue> replicas) {
    public KeyLookup {
        replicas = List.copyOf(replicas);
    }
}
