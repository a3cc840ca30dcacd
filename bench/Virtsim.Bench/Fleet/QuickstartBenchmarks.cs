using System.Reflection;
using BenchmarkDotNet.Attributes;
using Virtsim.Fleet.World;

namespace Virtsim.Bench.Fleet;

/// <summary>
/// The quickstart world (2 hosts, 4 VMs, blk and net devices from a hardware and a software vendor profile) run to
/// completion under the simulation dispatcher. One operation is one whole run with seed 42; its virtual time is
/// deterministic (printed at setup), so virtual-to-wall ratio = that virtual time / the reported mean.
/// <c>virtsim bench quickstart</c> prints the same ratio directly.
/// </summary>
[MemoryDiagnoser]
public class QuickstartBenchmarks
{
    private WorldSpec _spec = null!;

    /// <summary>The virtual time one run simulates.</summary>
    public TimeSpan VirtualTime { get; private set; }

    /// <summary>Loads the scenario and measures its virtual time once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Virtsim.Bench.Scenarios.quickstart.conf")
            ?? throw new InvalidOperationException("quickstart.conf is not embedded");
        using var reader = new StreamReader(stream);
        _spec = ScenarioLoader.Parse(reader.ReadToEnd());
        var report = FleetRunner.Run(_spec, 42);
        VirtualTime = report.VirtualTime;
        Console.WriteLine($"// quickstart seed 42: virtual time {report.VirtualTime.TotalMilliseconds:0.000} ms, {report.Requests} requests, " +
                          $"{report.Messages} messages, trace hash {report.TraceHashHex}");
    }

    /// <summary>One complete quickstart run.</summary>
    [Benchmark]
    public long Quickstart() => FleetRunner.Run(_spec, 42).Requests;
}
