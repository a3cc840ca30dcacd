using System.Buffers.Binary;
using Akka.Actor;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Workloads;

/// <summary>
/// A guest application that exchanges frames: sends <see cref="DeviceSpec.Requests"/> frames to its peer's MAC,
/// each carrying its source, a sequence number, random bytes and a trailing checksum; counts the frames addressed
/// to it, each (source, sequence) once, checking checksums. Finished when every frame meant for it arrived or was
/// reported lost in a crash (<see cref="FramesLost"/>, from a crashed backend or device): such a frame is counted in
/// <see cref="WorkloadResult.DroppedByCrash"/>, and a frame both reported lost and delivered counts as a duplicate.
/// A frame that fails its checksum counts as an integrity error and as arrived (a message fault may corrupt frames).
/// </summary>
public sealed class NetWorkloadActor : ReceiveActor, IWithTimers
{
    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The EtherType the workload uses (IEEE local experimental).</summary>
    public const ushort EtherType = 0x88B5;

    private readonly IActorRef _driver;
    private readonly DevicePlan _plan;
    private readonly WorkloadResult _result;
    private readonly TimeSpan _vcpu;
    private readonly FleetMetrics _metrics;
    private readonly IRandomSource _random = Context.Random();
    private readonly HashSet<(ulong Source, uint Sequence)> _seen = [];
    private readonly HashSet<(ulong Source, uint Sequence)> _lost = [];
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
        Receive<FramesLost>(OnLost);
    }

    /// <summary>
    /// Frames meant for this workload that a crash destroyed (a net backend's or a net device's), or a message fault
    /// dropped on the wire: they will never arrive, and the workload stops waiting for them. A device on another node
    /// than its VM (placement) reports them across nodes: a fleet wire message.
    /// </summary>
    /// <param name="Frames">The frames, as they were sent.</param>
    /// <param name="ByFault">True when a message fault dropped them (counted in <see cref="WorkloadResult.DroppedByFaults"/>).</param>
    public sealed record FramesLost(IReadOnlyList<byte[]> Frames, bool ByFault = false) : IFleetMessage, IWireMessage<FramesLost>
    {
        /// <summary>Most frames one message carries on the wire (a device holds at most a queue's worth).</summary>
        public const int MaxFrames = 65536;

        /// <inheritdoc />
        public static ushort WireTypeId => FleetWireIds.FramesLost;

        /// <inheritdoc />
        public void Write(ref WireWriter writer)
        {
            writer.WriteBool(ByFault);
            writer.WriteVarUInt64((ulong)Frames.Count);
            foreach (var frame in Frames) writer.WriteBytes(frame);
        }

        /// <inheritdoc />
        public static FramesLost Read(ref WireReader reader)
        {
            bool byFault = reader.ReadBool();
            ulong count = reader.ReadVarUInt64();
            if (count > MaxFrames) throw new WireFormatException($"{count} lost frames in one message, more than {MaxFrames}.");
            var frames = new byte[(int)count][];
            for (int i = 0; i < frames.Length; i++) frames[i] = reader.ReadBytes().ToArray();
            return new FramesLost(frames, byFault);
        }
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
            _random.NextBytes(frame.AsSpan(18, size - 26));
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
        if (!IsMine(f)) return; // flooded frame for another port
        if (!ChecksumHolds(f))
        {
            // Detected, and it arrived all the same: the workload stops waiting for it (its sequence may be the damaged part).
            _result.IntegrityErrors++;
            _metrics.Add(FleetCounter.IntegrityErrors);
            CheckDone();
            return;
        }
        var id = Identify(f);
        if (_lost.Contains(id) || !_seen.Add(id))
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

    private void OnLost(FramesLost lost)
    {
        foreach (var f in lost.Frames)
        {
            if (!IsMine(f) || !ChecksumHolds(f)) continue;
            var id = Identify(f);
            if (_seen.Contains(id))
            {
                // Reported lost although it arrived: the crash accounting is wrong, which the checks must show.
                _result.Duplicates++;
                _metrics.Add(FleetCounter.Duplicates);
                continue;
            }
            if (!_lost.Add(id)) continue;
            if (lost.ByFault) _result.DroppedByFaults++;
            else _result.DroppedByCrash++;
        }
        CheckDone();
    }

    private bool IsMine(byte[] f) =>
        f.Length >= 26 && f.AsSpan(0, 6).SequenceEqual(_plan.Mac) && BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) == EtherType;

    private static bool ChecksumHolds(byte[] f) =>
        BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(f.Length - 8)) == Checksum.Of(f.AsSpan(0, f.Length - 8));

    private static (ulong Source, uint Sequence) Identify(byte[] f)
    {
        ulong source = 0;
        for (int i = 6; i < 12; i++) source = (source << 8) | f[i];
        return (source, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(14)));
    }

    private void CheckDone()
    {
        if (_result.Done || _result.Completed + _result.DroppedByCrash + _result.DroppedByFaults + _result.IntegrityErrors < _plan.ExpectedInbound) return;
        _result.Done = true;
        _metrics.WorkloadDone();
    }

    private sealed class SendMore
    {
        public static readonly SendMore Instance = new();
    }
}
