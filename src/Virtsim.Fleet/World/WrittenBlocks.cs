namespace Virtsim.Fleet.World;

/// <summary>What a block read back (or found on the disk) says about a block's newest acknowledged write.</summary>
public enum BlockCheck : byte
{
    /// <summary>It holds the newest acknowledged write.</summary>
    Current,

    /// <summary>
    /// It holds an older version, and the newest write was never promised durable (a writeback cache, no successful
    /// flush since): a crash may lose it, the virtio-blk spec allows that.
    /// </summary>
    UnflushedLost,

    /// <summary>It holds something else: a promised write is lost, or the data is corrupt.</summary>
    Lost,
}

/// <summary>
/// The blocks a blk workload wrote and what it was promised about them: the newest acknowledged version of each, and
/// which versions are durable. A write is promised when the driver said so at its completion (the device writes
/// through) or when a flush submitted after it completed successfully; a flush that fails (the device lost cached
/// writes before it) promises nothing, and its writes stay unpromised. Versions are checksums; a block is never written
/// twice at once. Pure bookkeeping, owned by the workload actor, read after the run.
/// </summary>
public sealed class WrittenBlocks
{
    private readonly Dictionary<long, ulong> _promised = [];
    private readonly Dictionary<long, List<ulong>> _unpromised = [];   // versions after the promised one, oldest first
    private readonly List<(long Block, ulong Sum)> _awaitingFlush = [];
    private readonly Dictionary<long, ulong> _inFlight = []; // writes submitted and not acknowledged (one per block at a time)

    /// <summary>The newest acknowledged version (checksum) of every block written.</summary>
    public SortedDictionary<long, ulong> Acknowledged { get; } = new();

    /// <summary>The newest promised (durable) version of every block that has one.</summary>
    public IReadOnlyDictionary<long, ulong> Promised => _promised;

    /// <summary>Blocks whose newest acknowledged version is not promised (yet, or ever after a failed flush).</summary>
    public int UnpromisedCount => _unpromised.Count(u => u.Value.Count > 0);

    /// <summary>
    /// A write of <paramref name="block"/> with checksum <paramref name="sum"/> was submitted. Until its completion arrives
    /// the disk may hold it in place of the acknowledged version: the device may have written it and its completion be
    /// late or lost (a lost interrupt), which loses no acknowledged write.
    /// </summary>
    public void Issue(long block, ulong sum) => _inFlight[block] = sum;

    /// <summary>A write of <paramref name="block"/> with checksum <paramref name="sum"/> completed; <paramref name="durable"/> as the driver said.</summary>
    public void Acknowledge(long block, ulong sum, bool durable)
    {
        _inFlight.Remove(block);
        Acknowledged[block] = sum;
        if (durable)
        {
            Promise(block, sum);
            return;
        }
        if (!_unpromised.TryGetValue(block, out var versions)) _unpromised[block] = versions = [];
        versions.Add(sum);
        _awaitingFlush.Add((block, sum));
    }

    /// <summary>A flush is being submitted: returns how many of the completed writes it covers (for <see cref="FlushCompleted"/>).</summary>
    public int FlushSubmitted() => _awaitingFlush.Count;

    /// <summary>The flush that covered the first <paramref name="covered"/> unpromised writes completed; <paramref name="durable"/> when it succeeded.</summary>
    public void FlushCompleted(int covered, bool durable)
    {
        covered = Math.Clamp(covered, 0, _awaitingFlush.Count);
        if (durable)
            foreach (var (block, sum) in _awaitingFlush.Take(covered)) Promise(block, sum);
        _awaitingFlush.RemoveRange(0, covered); // after a failed flush they stay unpromised for good
    }

    /// <summary>
    /// Judges <paramref name="found"/>, the checksum <paramref name="block"/> holds now; <paramref name="unwritten"/> is the
    /// checksum of a block never written (what it holds when no version of it survived).
    /// </summary>
    public BlockCheck Check(long block, ulong found, ulong unwritten)
    {
        if (!Acknowledged.TryGetValue(block, out var newest) || found == newest) return BlockCheck.Current;
        if (_inFlight.TryGetValue(block, out var submitted) && found == submitted) return BlockCheck.Current; // a newer write landed
        if (_unpromised.TryGetValue(block, out var versions) && versions.Count > 0)
        {
            // The newest write was never promised: the newest promised version, or any later one, is allowed.
            ulong floor = _promised.TryGetValue(block, out var promised) ? promised : unwritten;
            if (found == floor || versions.Contains(found)) return BlockCheck.UnflushedLost;
        }
        return BlockCheck.Lost;
    }

    private void Promise(long block, ulong sum)
    {
        _promised[block] = sum;
        if (!_unpromised.TryGetValue(block, out var versions)) return;
        int at = versions.IndexOf(sum);
        if (at < 0) versions.Clear(); // a newer write, durable at once, supersedes every unpromised one
        else versions.RemoveRange(0, at + 1);
    }
}
