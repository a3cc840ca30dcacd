using BenchmarkDotNet.Running;
using Virtsim.Bench.Migration;
using Virtsim.Bench.Queues;
using Virtsim.Bench.VhostUser;

namespace Virtsim.Bench;

/// <summary>
/// Benchmarks entry point.
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- transactions</c> prints the device-side transaction counts per request (deterministic);
/// <c>... -- footprint</c> prints the memory an idle actor and an idle device keep;
/// <c>... -- migration-model [--seed N]</c> prints the pre-copy sweep, analytical model against page-level simulation
/// (the table of docs/migration.md);
/// <c>... -- migration-wave [--hosts H] [--vms V] [--memory SIZE] [--working-set SIZE] [--seed N]</c> runs a wave of
/// pre-copy migrations in the simulated world and prints migrations per wall second;
/// <c>... -- vhost-user [--pairs N] [--seconds S] [--formats split,packed] [--only virtsim|dpdk] [--polling-budget-us N]</c> compares Virtsim's vhost-user net
/// back-end with DPDK's under DPDK's txonly driver (needs dpdk-testpmd).
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
