package ringdb.server.runtime;

import io.netty.channel.ChannelHandler;
import java.util.function.Predicate;
import java.util.function.Supplier;
import ringdb.server.api.RequestObserver;

/** The dashboard as the HTTP server mounts it: which paths it serves and a handler per connection. */
public record DashboardMount(Predicate<String> serves, Supplier<ChannelHandler> handlers,
                             RequestObserver observer, AutoCloseable closer) {
}
