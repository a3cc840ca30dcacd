using System.Runtime.CompilerServices;
using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Vendors;
using Virtsim.Simulation.Environment;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Experiments.Tests.Swarm;

/// <summary>
/// A faulty blk backend that exists only in the tests, the planted bug of <see cref="PlantedBugSwarmTests"/>: it serves
/// requests as <see cref="BackendActor"/> does until it crashes, but each later incarnation reopens the wrong disk (a
/// fresh, empty one) and acknowledges writes there, so writes acknowledged after a backend crash never reach the
/// device's disk. The simulated world runs it in place of the device's own backend (through <c>RunOptions.Place</c>).
/// </summary>
public sealed class ForgetfulBackendActor : ReceiveActor, IWithTimers
{
    private readonly IClock _clock = Context.Clock();
    private readonly BlkBackendServer _server;
    private readonly ServiceLanes<BackendReply> _lanes;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates one incarnation; <paramref name="crashes"/> counts the backend's crashes over all of them.</summary>
    public ForgetfulBackendActor(BackendKind kind, VendorTiming timing, MemoryBlockStore disk, BlkDeviceOptions options, FleetMetrics metrics, StrongBox<int> crashes)
    {
        // The bug: after a crash, the disk it opens is not the device's.
        _server = new BlkBackendServer(crashes.Value == 0 ? disk : new MemoryBlockStore(disk.SectorCount), options);
        _lanes = new ServiceLanes<BackendReply>(new BackendServiceModel(kind, timing));
        Receive<BackendRequest>(r =>
        {
            var reply = _server.Serve(r);
            _lanes.Add(reply, r.Readable.Length + (long)r.WritableLength, _clock.Elapsed.Ticks, Timers);
        });
        Receive<ServiceLaneDue>(due => _lanes.OnDue(due, _clock.Elapsed.Ticks, Timers, reply => Context.Parent.Tell(reply, Self)));
        Receive<CrashBackend>(c =>
        {
            crashes.Value++;
            metrics.Add(FleetCounter.BackendCrashes);
            throw new BackendCrashException($"forgetful backend crashed: {c.Reason}");
        });
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object? message)
    {
        _server.LoseCache();
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason) => Context.Parent.Tell(new BackendRestarted(reason.Message), Self);
}
