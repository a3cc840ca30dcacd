using System.Buffers.Binary;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Refs;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Workloads;

/// <summary>
/// A guest application that exchanges frames: sends <see cref="DeviceSpec.Requests"/> frames to its peer's MAC,
/// each carrying its source, a sequence number, random bytes and a trailing checksum; counts the frames addressed
/// to it, each (source, sequence) once, checking checksums. Finished when every frame meant for it arrived.
/// </summary>
public sealed class NetWorkloadActor : ReceiveActor
{
    /// <summary>The EtherType the workload uses (IEEE local experimental).</summary>
    public const ushort EtherType = 0x88B5;

    private readonly IActorRef _driver;
    private readonly DevicePlan _plan;
    private readonly WorkloadResult _result;
    private readonly TimeSpan _vcpu;
    private readonly FleetMetrics _metrics;
    private readonly HashSet<(ulong Source, uint Sequence)> _seen = [];
    private uint _sent;

    /// <summary>Creates the workload.</summary>
    public NetWorkloadActor(IActorRef driver, DevicePlan plan, TimeSpan vcpuCost, FleetMetrics metrics)
    {
        _driver = driver;
        _plan = plan;
        _result = plan.Workload;
        _vcpu = vcpuCost;
        _metrics = metrics;
        Receive<FrameMessage>(OnFrame);
        Receive<SendMore>(_ => SendBurst());
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _driver.Tell(new NetDriverActor.AttachClient(Self), Self);
        SendBurst();
        CheckDone();
    }

    // Frames go out in bursts of the queue depth; the next burst follows after the vCPU cost of this one.
    private void SendBurst()
    {
        var spec = _plan.Spec;
        int size = Math.Clamp(spec.FrameSize, 60, 1514);
        int burst = Math.Max(1, spec.QueueDepth);
        for (int i = 0; i < burst && _sent < spec.Requests; i++)
        {
            var frame = new byte[size];
            _plan.PeerMac.CopyTo(frame, 0);
            _plan.Mac.CopyTo(frame, 6);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EtherType);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(14), _sent++);
            Context.Random.NextBytes(frame.AsSpan(18, size - 26));
            BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(size - 8), Checksum.Of(frame.AsSpan(0, size - 8)));
            _result.Issued++;
            _driver.Tell(new FrameMessage(frame), Self);
        }
        if (_sent < spec.Requests)
            Timers.StartSingleTimer("burst", SendMore.Instance, _vcpu * burst + TimeSpan.FromTicks(1));
    }

    private void OnFrame(FrameMessage m)
    {
        var f = m.Frame;
        if (f.Length < 26 || !f.AsSpan(0, 6).SequenceEqual(_plan.Mac) || BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) != EtherType)
            return; // flooded frame for another port
        if (BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(f.Length - 8)) != Checksum.Of(f.AsSpan(0, f.Length - 8)))
        {
            _result.IntegrityErrors++;
            _metrics.Add(FleetCounter.IntegrityErrors);
            return;
        }
        ulong source = 0;
        for (int i = 6; i < 12; i++) source = (source << 8) | f[i];
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(14));
        if (!_seen.Add((source, sequence)))
        {
            _result.Duplicates++;
            _metrics.Add(FleetCounter.Duplicates);
            return;
        }
        _result.Completed++;
        _metrics.Add(FleetCounter.FramesDelivered);
        _metrics.Add(FleetCounter.Bytes, f.Length);
        CheckDone();
    }

    private void CheckDone()
    {
        if (_result.Done || _result.Completed < _plan.ExpectedInbound) return;
        _result.Done = true;
        _metrics.WorkloadDone();
    }

    private sealed class SendMore
    {
        public static readonly SendMore Instance = new();
    }
}
