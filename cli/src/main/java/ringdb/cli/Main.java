package ringdb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ringdb} command: every subcommand is registered here. */
@Command(name = "ringdb",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "ringdb: a Dynamo/Cassandra-style distributed key-value database with a deterministic simulator.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ServerCommand.class,
            ClusterCommand.class,
            CertsCommand.class,
            KvCommands.Put.class,
            KvCommands.Get.class,
            KvCommands.Delete.class,
            CqlCommand.class,
            ClusterInfoCommands.Status.class,
            ClusterInfoCommands.RingCommand.class,
            ClusterInfoCommands.Join.class,
            ClusterInfoCommands.Decommission.class,
            ClusterInfoCommands.CancelDecommission.class,
            ClusterInfoCommands.RemoveNode.class,
            ClusterInfoCommands.CancelRemoveNode.class,
            ClusterInfoCommands.AbortBootstrap.class,
            ClusterInfoCommands.Repair.class,
            ClusterInfoCommands.Cleanup.class,
            ClusterInfoCommands.Flush.class,
            ClusterInfoCommands.ReloadSsl.class,
            JobsCommand.class,
            DemoCommand.class,
            SimCommand.class,
            BenchCommand.class,
            DashboardCommand.class,
            DumpCommand.class,
            SnapshotCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this in-process). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
