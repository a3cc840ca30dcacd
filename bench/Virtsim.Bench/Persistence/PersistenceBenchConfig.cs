using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Virtsim.Bench.Persistence;

/// <summary>
/// A short, in-process job for the store benchmarks: one warmup and five measured iterations of one invocation
/// each, so a run of both stores fits in a few minutes. Each invocation reports many events
/// (OperationsPerInvoke), so the Op/s column reads as events per second.
/// </summary>
public sealed class PersistenceBenchConfig : ManualConfig
{
    /// <summary>Builds the config.</summary>
    public PersistenceBenchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("store"));
        AddColumn(StatisticColumn.OperationsPerSecond);
        WithOption(ConfigOptions.JoinSummary, true);
    }
}
