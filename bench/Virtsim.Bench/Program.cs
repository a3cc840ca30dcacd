using BenchmarkDotNet.Running;

namespace Virtsim.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/Virtsim.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point: BenchmarkDotNet's switcher over every benchmark in this assembly.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
