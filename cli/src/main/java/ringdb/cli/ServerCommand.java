package ringdb.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import ringdb.server.ServerMain;
import ringdb.server.config.ConfigKeys;

/** {@code ringdb server}: one node in the foreground, logging to the console. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs one ringdb node in the foreground until SIGTERM or Ctrl-C (graceful shutdown).",
            "Every key of ringdb.yaml is also a flag: --http-port 8081, --seeds 127.0.0.1:7000, "
                + "--data-directory ./data/n1 ...",
            "See docs/server.md for the full list."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "ringdb.yaml to read (default: built-in defaults)")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Log level of ringdb's own loggers (default ${DEFAULT-VALUE})")
    String logLevel;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Override
    public Integer call() {
        Logger ringdb = (Logger) LoggerFactory.getLogger("ringdb");
        ringdb.setLevel(Level.toLevel(logLevel, Level.INFO));
        if (flags.contains("--list-keys")) {
            ConfigKeys.all().values().forEach(key -> System.out.printf("%-40s default %s%n  %s%n", key.flag(),
                    key.defaultValue(), key.description()));
            return 0;
        }
        return ServerMain.run(config, flags);
    }
}
