using System.Diagnostics;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Tracing;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.World;

/// <summary>
/// Runs a world under the simulation dispatcher: builds it with the seed, drives virtual time in slices until every
/// workload finished (or the virtual time limit), and reports. Same spec and seed, same trace hash and counters.
/// </summary>
public static class FleetRunner
{
    /// <summary>Virtual time between progress reports.</summary>
    public static TimeSpan Slice { get; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Runs <paramref name="spec"/> with <paramref name="seed"/>.</summary>
    /// <param name="spec">The world.</param>
    /// <param name="seed">The simulation seed (scheduling order and every actor's randomness).</param>
    /// <param name="progress">Called after every slice of virtual time; may be null.</param>
    /// <param name="inspect">Called with the built world before it runs (tests inject faults here); may be null.</param>
    public static RunReport Run(WorldSpec spec, int seed, Action<RunProgress>? progress = null, Action<FleetWorld, SimulationDispatcher>? inspect = null) =>
        Run(spec, seed, progress, inspect, out _);

    /// <summary>Runs <paramref name="spec"/> with <paramref name="seed"/> and hands back the world for inspection.</summary>
    public static RunReport Run(WorldSpec spec, int seed, Action<RunProgress>? progress, Action<FleetWorld, SimulationDispatcher>? inspect,
        out FleetWorld world)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var wall = Stopwatch.StartNew();
        var sim = new SimulationDispatcher(seed);
        using var system = ActorSystem.Create("fleet", new ActorSystemOptions { Dispatcher = sim, Seed = seed });
        var trace = new TraceHash();
        system.AddTrace(trace);
        var metrics = new FleetMetrics();
        world = FleetWorld.Build(system, spec, metrics);
        var w = world;
        inspect?.Invoke(world, sim);
        int total = world.Devices.Count;
        long lastRequests = -1;
        var lastProgress = TimeSpan.Zero;
        while (!w.AllDone && sim.Elapsed < spec.MaxVirtualTime)
        {
            var left = spec.MaxVirtualTime - sim.Elapsed;
            bool idle = !sim.RunUntil(() => w.AllDone, left < Slice ? left : Slice) && sim.ReadyCount == 0 && sim.PendingTimers == 0;
            progress?.Invoke(new RunProgress(metrics.WorkloadsDone, total, metrics.Requests, sim.Elapsed));
            if (idle) break;
            if (metrics.Requests != lastRequests) { lastRequests = metrics.Requests; lastProgress = sim.Elapsed; }
            else if (sim.Elapsed - lastProgress > spec.StallTimeout) break; // stuck (e.g. poll timers spinning): report it
        }
        var virtualTime = sim.Elapsed;
        wall.Stop();
        system.RemoveTrace(trace);

        long lost = 0, duplicates = 0, integrity = 0;
        foreach (var d in world.Devices)
        {
            var r = d.Workload;
            duplicates += r.Duplicates;
            integrity += r.IntegrityErrors;
            lost += d.Spec.Kind == Devices.DeviceKind.Blk ? r.Issued - r.Completed : Math.Max(0, d.ExpectedInbound - r.Completed);
        }
        return new RunReport
        {
            Scenario = spec.Name,
            Seed = seed,
            TraceHash = trace.Value,
            Messages = trace.Count,
            Completed = world.AllDone,
            Requests = metrics.Requests,
            Lost = lost,
            Duplicates = duplicates,
            IntegrityErrors = integrity,
            VirtualTime = virtualTime,
            WallTime = wall.Elapsed,
            Counters = metrics.Snapshot(),
        };
    }
}
