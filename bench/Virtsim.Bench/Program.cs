using BenchmarkDotNet.Running;
using Virtsim.Bench.Hosting;
using Virtsim.Bench.Migration;
using Virtsim.Bench.Queues;
using Virtsim.Bench.Remote;
using Virtsim.Bench.VhostUser;

namespace Virtsim.Bench;

/// <summary>
/// Benchmarks entry point.
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- transactions</c> prints the device-side transaction counts per request (deterministic);
/// <c>... -- footprint</c> prints the memory an idle actor and an idle device keep;
/// <c>... -- migration-model [--seed N] [--in-world]</c> prints the pre-copy sweep, analytical model against page-level simulation (or, with --in-world, against the actors in simulated worlds)
/// (the table of docs/migration.md);
/// <c>... -- migration-wave [--hosts H] [--vms V] [--memory SIZE] [--working-set SIZE] [--seed N]</c> runs a wave of
/// pre-copy migrations in the simulated world and prints migrations per wall second;
/// <c>... -- vhost-user [--pairs N] [--seconds S] [--formats split,packed] [--only virtsim|dpdk] [--polling-budget-us N]</c> compares Virtsim's vhost-user net
/// back-end with DPDK's under DPDK's txonly driver (needs dpdk-testpmd);
/// <c>... -- akka-persistence [--actors N] [--events M] [--runs R] [--stores memory,sqlite,postgresql] [--modes persist,persist-async] [--tuned HOCON]</c>
/// measures Akka.Persistence.Sql journal and recovery rates, untuned against tuned (needs PostgreSQL binaries);
/// <c>... -- cluster-failover [--kills N] [--seed S] [--entities E] [--settings HOCON] [--virtsim PATH]</c> kills -9 nodes of a
/// three-node loopback cluster and measures the time until the node is downed and a sharded probe entity answers again;
/// <c>... -- remote-roundtrips [--seconds N] [--messages dma|doorbell|all] [--rounds R] [--windows 1,32] [--dma-bytes B]</c> measures
/// Akka.Remote round trips/s to a child process for DMA and doorbell messages, FleetSerializer against Akka's default, beside a plain ping-pong;
/// <c>... -- remote-dma [--rounds R] [--requests N] [--virtsim PATH]</c> runs a blk-only scenario with <c>virtsim run --local-nodes 3</c>
/// with the devices on another node than their VMs and all local, alternated, and prints requests/s of the world's run.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "transactions")
        {
            TransactionReport.Print(Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "footprint")
        {
            Actors.FootprintReport.Print(Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "migration-model")
        {
            Environment.ExitCode = MigrationModelReport.Run(args[1..], Console.Out, Console.Error);
            return;
        }
        if (args.Length > 0 && args[0] == "akka-persistence")
        {
            Environment.ExitCode = AkkaPersistenceBenchmark.Run(args[1..], Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "cluster-failover")
        {
            Environment.ExitCode = ClusterFailoverBenchmark.Run(args[1..], Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "remote-roundtrips")
        {
            Environment.ExitCode = RemoteRoundTripBenchmark.Run(args[1..], Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "remote-dma")
        {
            Environment.ExitCode = RemoteDmaBenchmark.Run(args[1..], Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "remote-roundtrips-peer")
        {
            Environment.ExitCode = RoundTripPeer.Run(Console.Out);
            return;
        }
        if (args.Length > 0 && args[0] == "migration-wave")
        {
            Environment.ExitCode = MigrationWaveReport.Run(args[1..], Console.Out, Console.Error);
            return;
        }
        if (args.Length > 0 && args[0] == "vhost-user")
        {
            Environment.ExitCode = VhostUserBenchmark.Run(args[1..], Console.Out);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
