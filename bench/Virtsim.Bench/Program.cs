using BenchmarkDotNet.Running;
using Virtsim.Bench.Queues;

namespace Virtsim.Bench;

/// <summary>
/// Benchmarks entry point.
/// <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- transactions</c> prints the device-side transaction counts per request (deterministic).
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
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
