using System.Diagnostics;
using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Simulation.Engine;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Persistence;
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
    public static RunReport Run(WorldSpec spec, int seed, Action<RunProgress>? progress = null, Action<FleetWorld, Simulator>? inspect = null) =>
        Run(spec, seed, new RunOptions { Progress = progress, Inspect = inspect }, out _);

    /// <summary>Runs <paramref name="spec"/> with <paramref name="seed"/> and hands back the world for inspection.</summary>
    public static RunReport Run(WorldSpec spec, int seed, Action<RunProgress>? progress, Action<FleetWorld, Simulator>? inspect,
        out FleetWorld world) => Run(spec, seed, new RunOptions { Progress = progress, Inspect = inspect }, out world);

    /// <summary>
    /// Runs <paramref name="spec"/> with <paramref name="seed"/>, devices and backends journaling under
    /// <paramref name="persistence"/> (when null: nothing is journaled, unless the spec is
    /// <see cref="WorldSpec.Persistent"/>, which then journals with the default settings).
    /// </summary>
    public static RunReport Run(WorldSpec spec, int seed, FleetPersistence? persistence, Action<RunProgress>? progress,
        Action<FleetWorld, Simulator>? inspect, out FleetWorld world) =>
        Run(spec, seed, new RunOptions { Persistence = persistence, Progress = progress, Inspect = inspect }, out world);

    /// <summary>Runs <paramref name="spec"/> with <paramref name="seed"/> under a new <see cref="Simulator"/>, as <paramref name="options"/> say.</summary>
    public static RunReport Run(WorldSpec spec, int seed, RunOptions options, out FleetWorld world)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var persistence = options.Persistence ?? (spec.Persistent ? FleetPersistence.Default : null);
        var wall = Stopwatch.StartNew();
        using var sim = new Simulator(seed, store: options.Store);
        var system = sim.CreateSystem("fleet", options.Akka is null ? FleetReference.Akka : options.Akka.WithFallback(FleetReference.Akka));
        var metrics = new FleetMetrics();
        var remote = options.Place?.Invoke(system, metrics) ?? RemoteActors.None;
        world = FleetWorld.Build(system, spec, metrics, persistence: persistence, remote: remote);
        world.Store = sim.Store;
        var w = world;
        foreach (var fault in spec.Faults.Where(f => f.Kind is ScheduledFaultKind.BackendCrash or ScheduledFaultKind.DeviceCrash))
        {
            // Through the host, which reaches the device once it has built it: a fault at 0 us fires too.
            var f = fault;
            string reason = $"scenario fault at {f.At.TotalMicroseconds} us";
            var target = f.Kind == ScheduledFaultKind.DeviceCrash ? CrashTarget.Device : CrashTarget.Backend;
            sim.Schedule(f.At, () => w.InjectCrash(f.Device, target, reason));
        }
        foreach (var fault in spec.Faults.Where(f => f.Kind == ScheduledFaultKind.IommuUnmap))
        {
            var f = fault;
            sim.Schedule(f.At, () => w.UnmapDeviceWindow(f.Device, f.Duration));
        }
        int corruption = 0;
        foreach (var fault in spec.Faults.Where(f => f.Kind == ScheduledFaultKind.CorruptMemory))
        {
            var f = fault;
            // A window arms the queue at its start, with its own seeded draws, and disarms it (probability 0) at its end.
            var arm = f.Until is null
                ? new Messages.Faults.InjectFault(f.Corruption, f.Queue)
                : new Messages.Faults.InjectFault(f.Corruption, f.Queue, Repeat: true, f.Probability, unchecked(seed * 7919 + ++corruption));
            sim.Schedule(f.At, () => w.Endpoint(f.Device).Tell(arm, ActorRefs.NoSender));
            if (f.Until is { } until && until != TimeSpan.MaxValue)
                sim.Schedule(until, () => w.Endpoint(f.Device).Tell(new Messages.Faults.InjectFault(f.Corruption, f.Queue, Probability: 0), ActorRefs.NoSender));
        }
        if (spec.ClockSkews.Count > 0) SkewClocks(spec, sim, metrics);
        var interceptor = spec.MessageFaults.Count == 0 ? null : InstallMessageFaults(spec, sim, world);
        options.Inspect?.Invoke(world, sim);
        int total = world.Devices.Count;
        long lastRequests = -1;
        var lastProgress = TimeSpan.Zero;
        // Done when every workload is, and no backend is still rebuilding the disk the report reads (a crash may come
        // right at the end); or when a store failed: the devices can no longer survive a crash, the run says so.
        // With migrations, also nothing left to run at this instant: a destination's backend created at the switchover
        // must have started rebuilding its disk (the counter above) before the run may end.
        bool migrates = spec.Migrations.Count > 0 || spec.Waves.Count > 0;
        int plannedMigrations = spec.Migrations.Count + spec.DeviceSwitches.Count + spec.Waves.Sum(v => v.Plan.Moves.Count + v.Plan.Unplaced.Count);
        bool Settled() => (w.AllDone && metrics.DisksRebuilding == 0 && w.Migrations.Pending == 0 && (!migrates || sim.ReadyCount == 0))
            || metrics.StoreFailed;
        while (!Settled() && sim.Elapsed < spec.MaxVirtualTime)
        {
            var left = spec.MaxVirtualTime - sim.Elapsed;
            var slice = left < Slice ? left : Slice;
            var sliceEnd = sim.Elapsed + slice;
            bool settled = sim.RunUntil(Settled, slice);
            bool idle = !settled && sim.ReadyCount == 0 && sim.PendingTimers == 0;
            // Nothing due in this slice (a migration's transfer ends later): the slice's time passes all the same.
            if (!settled && !idle && sim.ReadyCount == 0 && sim.Elapsed < sliceEnd) sim.RunFor(sliceEnd - sim.Elapsed);
            options.Progress?.Invoke(new RunProgress(metrics.WorkloadsDone, total, metrics.Requests, sim.Elapsed)
            {
                Migrations = plannedMigrations,
                MigrationsDone = w.Migrations.Results.Count,
            });
            if (idle) break;
            if (metrics.Requests != lastRequests || w.Migrations.Moving) { lastRequests = metrics.Requests; lastProgress = sim.Elapsed; }
            else if (sim.Elapsed - lastProgress > spec.StallTimeout) break; // stuck (e.g. poll timers spinning): report it
        }
        var virtualTime = sim.Elapsed;
        wall.Stop();
        return Report(spec, seed, world, metrics, sim.TraceHash, sim.Deliveries, virtualTime, wall.Elapsed, remote, interceptor?.Counts);
    }

    // The hosts' clocks: drift from the start (a timer set before a window and due in it is shortened there too), the
    // offset as a step of each host's clock at its window's start.
    private static void SkewClocks(WorldSpec spec, Simulator sim, FleetMetrics metrics)
    {
        sim.SkewClocks(new HostClocks(spec.ClockSkews, metrics));
        foreach (var skew in spec.ClockSkews.Where(s => s.Offset != TimeSpan.Zero))
        {
            var s = skew;
            sim.Schedule(s.From, () => metrics.Add(FleetCounter.ClockSteppedTimers, sim.StepClocks(a => HostClocks.OnHosts(a, s.Hosts), s.Offset)));
        }
    }

    // The scenario's message faults on the simulation's delivery path. A frame dropped on the wire is reported to the
    // workload it was meant for, as a crash reports the frames it destroyed, so that the workload stops waiting for it.
    private static MessageFaults.MessageFaultInterceptor InstallMessageFaults(WorldSpec spec, Simulator sim, FleetWorld world)
    {
        var system = world.System;
        var interceptor = new MessageFaults.MessageFaultInterceptor(spec.MessageFaults, new MessageFaults.DeviceDirectory(world.Devices),
            world.Network, () => sim.Elapsed, sim.Seed, (device, frame) =>
                system.ResolveLocal(FleetWorld.WorkloadPath(system.UserGuardianPath(), device.Path))
                    .Tell(new Workloads.NetWorkloadActor.FramesLost([frame], ByFault: true), ActorRefs.NoSender));
        sim.Intercept(interceptor);
        world.MigrationStream = MessageFaults.MigrationStreamFaults.For(spec.MessageFaults, sim.Seed, interceptor.Counts);
        return interceptor;
    }

    /// <summary>
    /// Runs <paramref name="spec"/> in real time on Akka.NET's own dispatchers (the thread pool): the same
    /// actors as under simulation, each actor's state touched by one thread at a time. Waits until every workload
    /// finished, no request completed for <paramref name="stallTimeout"/>, or <paramref name="timeout"/>. Timers are
    /// real (vendor costs of microseconds take the timer resolution), so the run is slower than simulated and not
    /// reproducible; the report's trace hash and message count are 0 and its virtual time is the wall time.
    /// </summary>
    /// <param name="spec">The world.</param>
    /// <param name="seed">Every actor's randomness (the interleaving is the thread pool's).</param>
    /// <param name="timeout">Wall-clock limit.</param>
    /// <param name="stallTimeout">Wall-clock time without a completed request after which the run gives up.</param>
    /// <param name="world">The world, for inspection after the run (its actors are stopped).</param>
    /// <param name="started">Called on the calling thread once the world is built and running (tests inject faults here); may be null.</param>
    public static RunReport RunThreaded(WorldSpec spec, int seed, TimeSpan timeout, TimeSpan stallTimeout, out FleetWorld world,
        Action<FleetWorld>? started = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var config = Akka.Configuration.ConfigurationFactory.ParseString($"virtsim.actors.seed = {seed}\nakka.loglevel = WARNING\nakka.log-dead-letters = off")
            .WithFallback(FleetReference.Akka);
        var system = ActorSystem.Create("fleet", config);
        try
        {
            return RunThreaded(system, spec, seed, new RealTimeOptions { Timeout = timeout, StallTimeout = stallTimeout, Started = started }, out world);
        }
        finally
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>
    /// Runs <paramref name="spec"/> in real time in <paramref name="system"/>, an actor system the caller owns (built
    /// with <see cref="FleetReference.Akka"/> and, for persistence, a journal and snapshot store): until every
    /// workload finished, no request completed for <see cref="RealTimeOptions.StallTimeout"/>, the timeout passed
    /// or the cancellation token fired. The world's actors are stopped before it returns.
    /// </summary>
    /// <exception cref="ArgumentException">The scenario has message faults (<see cref="RealTimeLimits"/>).</exception>
    public static RunReport RunThreaded(ActorSystem system, WorldSpec spec, int seed, RealTimeOptions options, out FleetWorld world)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        // Callers check first (RealTimeLimits) to give the file position; a run that would ignore its faults must not start.
        if (RealTimeLimits.Refusal(spec) is { } refusal) throw new ArgumentException(refusal.Message, nameof(spec));
        var wall = Stopwatch.StartNew();
        var metrics = new FleetMetrics();
        var remote = options.Place?.Invoke(system, metrics) ?? RemoteActors.None;
        world = FleetWorld.Build(system, spec, metrics, threaded: true, persistence: options.Persistence, remote: remote);
        var w = world;
        var faults = new List<ICancelable>();
        try
        {
            // The scenario's faults at their times on the real clock (through the host, as under simulation).
            foreach (var f in spec.Faults.Where(f => f.Kind is ScheduledFaultKind.BackendCrash or ScheduledFaultKind.DeviceCrash))
            {
                var target = f.Kind == ScheduledFaultKind.DeviceCrash ? CrashTarget.Device : CrashTarget.Backend;
                string reason = $"scenario fault at {f.At.TotalMicroseconds} us";
                faults.Add(system.Scheduler.Advanced.ScheduleOnceCancelable(f.At, () => w.InjectCrash(f.Device, target, reason)));
            }
            options.Started?.Invoke(world);
            long lastRequests = -1;
            var lastProgress = wall.Elapsed;
            var lastReport = TimeSpan.Zero;
            // As under simulation: done when every workload is and no backend still rebuilds its disk, or when a
            // store failed (the devices can no longer survive a crash).
            while (!((world.AllDone && metrics.DisksRebuilding == 0) || metrics.StoreFailed)
                   && wall.Elapsed < options.Timeout && !options.Cancellation.IsCancellationRequested)
            {
                options.Cancellation.WaitHandle.WaitOne(5);
                long requests = metrics.Requests;
                if (requests != lastRequests) { lastRequests = requests; lastProgress = wall.Elapsed; }
                else if (wall.Elapsed - lastProgress > options.StallTimeout) break;
                if (options.Progress is { } progress && wall.Elapsed - lastReport >= Slice * 100)
                {
                    lastReport = wall.Elapsed;
                    progress(new RunProgress(metrics.WorkloadsDone, world.Devices.Count, metrics.Requests, wall.Elapsed));
                }
            }
        }
        finally
        {
            foreach (var f in faults) f.Cancel();
            world.Stop();
        }
        wall.Stop();
        return Report(spec, seed, world, metrics, 0, 0, wall.Elapsed, wall.Elapsed, remote);
    }

    // Workload results are written only by their workload actors and read here, after the run (the last write of
    // each happens before its Interlocked WorkloadDone, and the actors have stopped).
    private static RunReport Report(WorldSpec spec, int seed, FleetWorld world, FleetMetrics metrics, ulong traceHash, long messages,
        TimeSpan virtualTime, TimeSpan wallTime, RemoteActors remote, MessageFaults.MessageFaultCounts? faults = null)
    {
        long lost = 0, duplicates = 0, integrity = 0, ackedLost = 0, unflushedLost = 0, dropped = 0, droppedByFaults = 0;
        var unfinished = new List<string>();
        var lostVms = world.Migrations.LostVms;
        foreach (var d in world.Devices)
        {
            var r = d.Workload;
            // A VM lost with its host (or in post-copy) takes its workloads along: reported apart, not as lost requests.
            if (lostVms.Any(vm => d.Path.StartsWith(vm + "/", StringComparison.Ordinal))) continue;
            if (d.Store is { } disk)
            {
                // A disk another node holds is checked there: its checksums of the acknowledged blocks come back.
                var (promised, unflushed) = remote.BlockChecksums is { } sums && remote.HoldsDisk(d.Path)
                    ? WritesLost(d, blocks => sums(d.Path, blocks))
                    : WritesLost(d, disk);
                ackedLost += promised;
                unflushedLost += unflushed;
            }
            duplicates += r.Duplicates;
            integrity += r.IntegrityErrors;
            dropped += r.DroppedByCrash;
            droppedByFaults += r.DroppedByFaults;
            if (!r.Done) unfinished.Add(d.Path);
            lost += d.Spec.Kind == Devices.DeviceKind.Blk ? r.Issued - r.Completed : Math.Max(0, d.ExpectedInbound - r.Completed);
        }
        return new RunReport
        {
            Scenario = spec.Name,
            Seed = seed,
            TraceHash = traceHash,
            Messages = messages,
            Completed = world.AllDone,
            Requests = metrics.Requests,
            Lost = lost,
            Duplicates = duplicates,
            IntegrityErrors = integrity,
            VirtualTime = virtualTime,
            WallTime = wallTime,
            Counters = Merge(metrics.Snapshot(), remote.Counters?.Invoke()),
            AckedWritesLost = ackedLost,
            UnflushedWritesLost = unflushedLost,
            FramesDroppedByCrash = dropped,
            FramesDroppedByFaults = droppedByFaults,
            FramesCorrupted = faults?.FramesCorrupted ?? 0,
            MessageFaults = faults,
            Unfinished = unfinished,
            GaveUp = [.. world.Devices.Where(d => d.Health.DriverGaveUp && !world.Migrations.LostWorkloads.Contains(d.Path)).Select(d => d.Path)],
            DmaOutsideDomain = metrics[FleetCounter.DmaOutsideDomain],
            Recoveries = metrics.Recoveries,
            StoreFailures = metrics.StoreFailures,
            Failures = [.. world.Devices.Where(d => !world.Migrations.LostWorkloads.Contains(d.Path))
                .SelectMany(d => DeviceFailure.Of(d.Path, d.Health, d.Workload.Done))],
            Migrations = world.Migrations.Results,
            LostVms = world.Migrations.LostVms,
            MemoryMismatches = world.Migrations.MemoryMismatches,
            MigrationStarts = world.Migrations.Starts,
            Waves = world.Migrations.Waves,
            LinkUsage = world.Migrations.LinkUsage,
            Links = world.Migrations.Links,
        };
    }

    /// <summary>
    /// Blocks whose newest acknowledged write the disk does not hold now (read back with checksums from the disk object,
    /// which a persistent backend rebuilt from its journal at its last start), in two counts: <c>Promised</c>, writes the
    /// driver promised durable (written through, or flushed) or data no write put there; <c>Unflushed</c>, writes never
    /// promised that a crash dropped with the volatile cache, which the virtio-blk spec allows.
    /// </summary>
    public static (long Promised, long Unflushed) WritesLost(DevicePlan device, Virtsim.Virtio.Devices.Blk.MemoryBlockStore disk)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(disk);
        return WritesLost(device, blocks => PlacedActors.BlockChecksums(device, disk, blocks));
    }

    /// <summary>
    /// As <see cref="WritesLost(DevicePlan, Virtsim.Virtio.Devices.Blk.MemoryBlockStore)"/>, with the checksums of the
    /// acknowledged blocks from <paramref name="checksums"/> (a disk on another node; 0: the block could not be read).
    /// </summary>
    public static (long Promised, long Unflushed) WritesLost(DevicePlan device, Func<IReadOnlyList<long>, ulong[]> checksums)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(checksums);
        int sectors = Workloads.BlkWorkloadActor.SectorsPerBlock(device.Spec);
        ulong unwritten = Workloads.Checksum.Of(new byte[sectors * 512]);
        var written = device.Workload.Written;
        var blocks = written.Acknowledged.Keys.ToList();
        var sums = checksums(blocks);
        long promised = 0, unflushed = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            var check = sums[i] == 0 ? BlockCheck.Lost : written.Check(blocks[i], sums[i], unwritten);
            if (check == BlockCheck.Lost) promised++;
            else if (check == BlockCheck.UnflushedLost) unflushed++;
        }
        return (promised, unflushed);
    }

    private static IReadOnlyDictionary<string, long> Merge(IReadOnlyDictionary<string, long> own, IReadOnlyDictionary<string, long>? other)
    {
        if (other is null) return own;
        var merged = new SortedDictionary<string, long>(own.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in other) merged[name] = merged.GetValueOrDefault(name) + value;
        return merged;
    }
}
