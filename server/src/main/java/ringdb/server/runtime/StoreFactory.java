package ringdb.server.runtime;

import java.nio.file.Path;
import ringdb.core.store.LocalStore;
import ringdb.server.config.ServerConfig;

/** Opens a node's storage engines (data and hints) in their directories, recovering what is there. */
public interface StoreFactory {
    /** Opens (creating if needed) the store kept in {@code directory}; fails with a clear message on damage. */
    LocalStore open(Path directory, ServerConfig config);
}
