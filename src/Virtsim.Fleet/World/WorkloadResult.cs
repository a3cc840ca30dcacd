namespace Virtsim.Fleet.World;

/// <summary>What one workload observed; filled in by the workload actor, read after the run.</summary>
public sealed class WorkloadResult
{
    /// <summary>"host/vm/device".</summary>
    public required string Path { get; init; }

    /// <summary>Requests issued (blk) or frames sent (net).</summary>
    public long Issued { get; set; }

    /// <summary>Requests completed (blk) or frames received (net), each counted once.</summary>
    public long Completed { get; set; }

    /// <summary>net: frames meant for this workload that a crash (of a net backend or a net device) destroyed, each once.</summary>
    public long DroppedByCrash { get; set; }

    /// <summary>net: frames meant for this workload that a message fault dropped on the wire, each once.</summary>
    public long DroppedByFaults { get; set; }

    /// <summary>Completions or frames seen a second time (net: also a frame both reported lost and delivered).</summary>
    public long Duplicates { get; set; }

    /// <summary>Checksum mismatches.</summary>
    public long IntegrityErrors { get; set; }

    /// <summary>Non-OK block statuses.</summary>
    public long Errors { get; set; }

    /// <summary>True once the workload finished.</summary>
    public bool Done { get; set; }

    /// <summary>blk: the checksum of every block acknowledged as written (block index -> FNV-1a 64), the newest version.</summary>
    public SortedDictionary<long, ulong> Blocks => Written.Acknowledged;

    /// <summary>blk: every block written and which of its versions are promised durable (flushed or written through).</summary>
    public WrittenBlocks Written { get; } = new();
}
