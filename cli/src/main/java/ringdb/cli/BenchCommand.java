package ringdb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ringdb bench}: benchmarks that print figures. Each benchmark is a subcommand. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print measured figures.",
        subcommands = {
            BenchSimCommand.class,
            BenchClusterCommand.class,
            BenchStorageCommand.class,
            BenchStreamingCommand.class,
            BenchBootstrapCommand.class,
            BenchRepairCommand.class,
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
