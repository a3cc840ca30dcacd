using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Metrics;

/// <summary>
/// The run's counters, shared by the actors of one world. Increments are atomic, so the counters are safe under the
/// threaded dispatcher too; under simulation their values are deterministic for a seed.
/// </summary>
public sealed class FleetMetrics
{
    private readonly long[] _counters = new long[Enum.GetValues<FleetCounter>().Length];
    private int _workloadsDone;
    private int _disksRebuilding;
    private readonly List<StoreFailure> _storeFailures = [];
    private bool _storeFailed;
    private readonly Lock _recoveryLock = new();
    private long _recoveryTicksSum, _recoveryTicksMax, _recoveryWallTicksSum, _recoveryWallTicksMax, _recoveries;

    /// <summary>The value of <paramref name="counter"/>.</summary>
    public long this[FleetCounter counter] => Interlocked.Read(ref _counters[(int)counter]);

    /// <summary>Adds <paramref name="amount"/> to <paramref name="counter"/>.</summary>
    public void Add(FleetCounter counter, long amount = 1) => Interlocked.Add(ref _counters[(int)counter], amount);

    /// <summary>Workloads that finished.</summary>
    public int WorkloadsDone => Volatile.Read(ref _workloadsDone);

    /// <summary>Records that a workload finished.</summary>
    public void WorkloadDone() => Interlocked.Increment(ref _workloadsDone);

    /// <summary>
    /// Persistent blk backends rebuilding their disk from the journal right now (the disk object is wiped until they
    /// are done): a run reads the disks only once this is 0.
    /// </summary>
    public int DisksRebuilding => Volatile.Read(ref _disksRebuilding);

    /// <summary>A persistent backend started rebuilding its disk (<paramref name="started"/>) or stopped doing so.</summary>
    public void DiskRebuilding(bool started)
    {
        if (started) Interlocked.Increment(ref _disksRebuilding);
        else Interlocked.Decrement(ref _disksRebuilding);
    }

    /// <summary>All requests: block requests plus delivered frames.</summary>
    public long Requests => this[FleetCounter.BlkRequests] + this[FleetCounter.FramesDelivered];

    /// <summary>All interrupts delivered.</summary>
    public long Interrupts => this[FleetCounter.MsixInterrupts] + this[FleetCounter.LineInterrupts];

    /// <summary>Device ring and data transactions of every kind.</summary>
    public long DmaTransactions => this[FleetCounter.DmaDescriptor] + this[FleetCounter.DmaRingIndex] + this[FleetCounter.DmaRingEntry]
        + this[FleetCounter.DmaDataRead] + this[FleetCounter.DmaDataWrite] + this[FleetCounter.DmaEventSuppression];

    /// <summary>The counter recording device transactions of <paramref name="kind"/>.</summary>
    public static FleetCounter DmaCounter(MemoryAccessKind kind, bool write) => kind switch
    {
        MemoryAccessKind.Descriptor => FleetCounter.DmaDescriptor,
        MemoryAccessKind.RingIndex => FleetCounter.DmaRingIndex,
        MemoryAccessKind.RingEntry => FleetCounter.DmaRingEntry,
        MemoryAccessKind.Data => write ? FleetCounter.DmaDataWrite : FleetCounter.DmaDataRead,
        _ => FleetCounter.DmaEventSuppression,
    };

    /// <summary>Records one device recovery: virtual time from the crash to the device serving again, and its wall time.</summary>
    public void RecordRecovery(TimeSpan virtualTime, TimeSpan wallTime)
    {
        lock (_recoveryLock)
        {
            _recoveries++;
            _recoveryTicksSum += virtualTime.Ticks;
            _recoveryTicksMax = Math.Max(_recoveryTicksMax, virtualTime.Ticks);
            _recoveryWallTicksSum += wallTime.Ticks;
            _recoveryWallTicksMax = Math.Max(_recoveryWallTicksMax, wallTime.Ticks);
        }
    }

    /// <summary>Device recoveries recorded by <see cref="RecordRecovery"/> and their mean and maximum times.</summary>
    public RecoveryTimes Recoveries
    {
        get
        {
            lock (_recoveryLock)
            {
                long n = Math.Max(1, _recoveries);
                return new RecoveryTimes(_recoveries, TimeSpan.FromTicks(_recoveryTicksSum / n), TimeSpan.FromTicks(_recoveryTicksMax),
                    TimeSpan.FromTicks(_recoveryWallTicksSum / n), TimeSpan.FromTicks(_recoveryWallTicksMax));
            }
        }
    }

    /// <summary>Records a failed store call of a persistent actor (the actor stops; the run ends).</summary>
    public void RecordStoreFailure(StoreFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_storeFailures) _storeFailures.Add(failure);
        Volatile.Write(ref _storeFailed, true);
    }

    /// <summary>The store failures recorded so far, in order.</summary>
    public IReadOnlyList<StoreFailure> StoreFailures
    {
        get
        {
            lock (_storeFailures) return [.. _storeFailures];
        }
    }

    /// <summary>True once a store failure was recorded (cheap: the runner asks before every step).</summary>
    public bool StoreFailed => Volatile.Read(ref _storeFailed);

    /// <summary>Every counter by name.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var d = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in Enum.GetValues<FleetCounter>()) d[c.ToString()] = this[c];
        return d;
    }
}
