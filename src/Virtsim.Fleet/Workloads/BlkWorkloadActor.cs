using Akka.Actor;
using Virtsim.Simulation.Environment;
using Virtsim.Fleet.Messages.Blk;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Workloads;

/// <summary>
/// A guest application that loads a disk: <see cref="DeviceSpec.Requests"/> writes of random data to random blocks
/// (never two in flight to the same block), <see cref="DeviceSpec.QueueDepth"/> at a time; then a flush; then it reads
/// back every block it wrote and compares checksums. Every request id must complete exactly once. It keeps what the
/// driver promised (<see cref="WrittenBlocks"/>): with a writeback cache a write is durable only once a flush after it
/// succeeded, so reading back an older version of a block whose newest write was never promised is what the spec
/// allows after a crash (not an integrity error); anything else is.
/// </summary>
public sealed class BlkWorkloadActor : ReceiveActor
{
    private readonly IActorRef _driver;
    private readonly DeviceSpec _spec;
    private readonly WorkloadResult _result;
    private readonly TimeSpan _vcpu;
    private readonly FleetMetrics _metrics;
    private readonly IRandomSource _random = Context.Random();
    private readonly long _blocks;
    private readonly int _sectorsPerBlock;
    private readonly Dictionary<ulong, (long Block, ulong Sum, bool Write)> _outstanding = [];
    private readonly HashSet<long> _busyBlocks = [];
    private readonly HashSet<ulong> _completed = [];
    private readonly Queue<long> _toRead = new();
    private readonly byte[] _readLength; // an IN request's data only gives its length; one shared array
    private readonly ulong _unwrittenSum; // a block no write reached reads as zeros
    private int _flushCovers;
    private Phase _phase = Phase.Writing;
    private long _writesIssued;
    private ulong _nextId = 1;

    /// <summary>Creates the workload.</summary>
    public BlkWorkloadActor(IActorRef driver, DevicePlan plan, TimeSpan vcpuCost, FleetMetrics metrics)
    {
        _driver = driver;
        _spec = plan.Spec;
        _result = plan.Workload;
        _vcpu = vcpuCost;
        _metrics = metrics;
        _sectorsPerBlock = SectorsPerBlock(_spec);
        _blocks = Math.Max(1, (long)(_spec.DiskSectors / (ulong)_sectorsPerBlock));
        _readLength = new byte[_sectorsPerBlock * 512];
        _unwrittenSum = Checksum.Of(_readLength);
        Receive<BlkCompletion>(OnCompletion);
    }

    /// <summary>
    /// The workload's disk layout: block <c>b</c> is sectors <c>b * SectorsPerBlock</c> onwards (the block size in
    /// 512-byte sectors, 1 to 8).
    /// </summary>
    public static int SectorsPerBlock(DeviceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Math.Clamp(spec.BlockSize / 512, 1, 8);
    }

    /// <inheritdoc />
    protected override void PreStart() => Fill();

    private void Fill()
    {
        while (_outstanding.Count < _spec.QueueDepth)
        {
            if (_phase == Phase.Writing)
            {
                if (_writesIssued >= _spec.Requests) { if (_outstanding.Count == 0) StartFlush(); break; }
                long block = _random.NextInt64(_blocks);
                for (int probe = 0; _busyBlocks.Contains(block) && probe < 64; probe++) block = (block + 1) % _blocks;
                if (_busyBlocks.Contains(block)) break;
                var data = new byte[_sectorsPerBlock * 512];
                _random.NextBytes(data);
                Send(BlkRequestType.Out, block, data, Checksum.Of(data), write: true);
                _writesIssued++;
            }
            else if (_phase == Phase.Reading)
            {
                if (_toRead.Count == 0) { if (_outstanding.Count == 0) Finish(); break; }
                long block = _toRead.Dequeue();
                Send(BlkRequestType.In, block, _readLength, 0, write: false);
            }
            else break;
        }
    }

    private void Send(uint type, long block, byte[] data, ulong sum, bool write)
    {
        ulong id = _nextId++;
        _outstanding[id] = (block, sum, write);
        if (write) _result.Written.Issue(block, sum);
        _busyBlocks.Add(block);
        _result.Issued++;
        Submit(new BlkRequest(id, type, (ulong)(block * _sectorsPerBlock), data));
    }

    private void StartFlush()
    {
        _phase = Phase.Flushing;
        ulong id = _nextId++;
        _outstanding[id] = (-1, 0, false);
        _result.Issued++;
        _flushCovers = _result.Written.FlushSubmitted();
        Submit(new BlkRequest(id, BlkRequestType.Flush, 0, []));
    }

    // The guest's vCPU time: a request reaches the driver after the cost of preparing it.
    private void Submit(BlkRequest request)
    {
        if (_vcpu > TimeSpan.Zero) Context.System.Scheduler.ScheduleTellOnce(_vcpu, _driver, request, Self);
        else _driver.Tell(request, Self);
    }

    private void OnCompletion(BlkCompletion c)
    {
        if (!_completed.Add(c.Id))
        {
            _result.Duplicates++;
            _metrics.Add(FleetCounter.Duplicates);
            return;
        }
        if (!_outstanding.Remove(c.Id, out var o)) return;
        _result.Completed++;
        if (o.Block >= 0) _busyBlocks.Remove(o.Block);
        if (c.Status != BlkStatus.Ok) _result.Errors++;
        else if (o.Write) _result.Written.Acknowledge(o.Block, o.Sum, c.Durable);
        else if (o.Block >= 0 && _result.Written.Check(o.Block, Checksum.Of(c.Data), _unwrittenSum) == BlockCheck.Lost)
        {
            _result.IntegrityErrors++;
            _metrics.Add(FleetCounter.IntegrityErrors);
        }
        if (_phase == Phase.Flushing && o.Block < 0)
        {
            // A failed flush (the device lost cached writes before it) promises nothing.
            _result.Written.FlushCompleted(_flushCovers, c.Status == BlkStatus.Ok && c.Durable);
            _phase = Phase.Reading;
            foreach (var b in _result.Blocks.Keys) _toRead.Enqueue(b);
        }
        Fill();
    }

    private void Finish()
    {
        _phase = Phase.Done;
        _result.Done = true;
        _metrics.WorkloadDone();
    }

    private enum Phase : byte { Writing, Flushing, Reading, Done }
}
