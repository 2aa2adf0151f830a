package ringdb.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.config.ConfigException;
import ringdb.server.config.ConfigFlags;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.ServerNode;

/**
 * Runs one node in the foreground until SIGTERM (or Ctrl-C), then shuts it down gracefully: stop
 * taking requests, announce the shutdown through gossip, flush, close. Used by {@code ringdb server}
 * and usable on its own: {@code java -cp ... ringdb.server.ServerMain [--config FILE] [--key value ...]}.
 */
public final class ServerMain {
    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);
    /** How long a shutdown that begins while the node is starting waits for the start to end. */
    private static final long START_WAIT_SECONDS = 10;

    private ServerMain() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        Path config = null;
        int at = rest.indexOf("--config");
        if (at >= 0 && at + 1 < rest.size()) {
            config = Path.of(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
        }
        System.exit(run(config, rest));
    }

    /** Loads the configuration, starts the node and blocks until it has stopped. Returns an exit code. */
    public static int run(Path configFile, List<String> flags) {
        ServerConfig config;
        try {
            config = ServerConfig.load(configFile, ConfigFlags.parse(flags));
        } catch (ConfigException e) {
            System.err.println("ringdb server: " + e.getMessage());
            return 2;
        }
        // the hook is in place before the node starts: a node that learns while starting that it was
        // removed ends the process at once, and its orderly shutdown must still run
        AtomicReference<ServerNode> started = new AtomicReference<>();
        CountDownLatch startEnded = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!startEnded.await(START_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("the node was still starting {} s into the shutdown; exiting without closing it",
                            START_WAIT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ServerNode node = started.get();
            if (node != null) {
                node.close();
            }
            stopped.countDown();
        }, "ringdb-shutdown"));
        try {
            started.set(Nodes.start(config));
        } catch (RuntimeException e) {
            log.error("ringdb server: cannot start: {}", e.getMessage(), e);
            System.err.println("ringdb server: cannot start: " + e.getMessage());
            return 1;
        } finally {
            startEnded.countDown();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
