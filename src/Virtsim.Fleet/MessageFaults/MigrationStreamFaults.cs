namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// A scenario's <c>migration-stream</c> message faults (docs/migration.md, "Faults of the migration stream"). A
/// migration's stream is simulated as transfers over the links' shares, not as messages; when the scenario has such a
/// fault, each transfer (a pre-copy round, the stop-and-copy with the device state) is treated as a sequence of
/// <see cref="ChunkBytes"/> chunks, each with a sequence number and a checksum, and when it has crossed the faults
/// decide per chunk, in the order written, as <see cref="MessageFaultInterceptor"/> decides per message: the first
/// fault whose window (at the chunk's time), selector (the migration's hosts, the VM's devices and their vendors) and
/// probability take it acts. Draws come from a random source seeded from the run's seed (apart from the
/// interceptor's, so adding a stream fault leaves the other faults' draws as they were), and the simulation calls this
/// on its one thread in a reproducible order, so a seed replays the stream's faults bit for bit.
/// </summary>
public sealed class MigrationStreamFaults
{
    /// <summary>The size of a chunk of the stream: 1 MiB (the last chunk of a transfer may be shorter).</summary>
    public const long ChunkBytes = 1 << 20;

    /// <summary>Times in a row one chunk may be lost (dropped or corrupted) before the stream is declared broken.</summary>
    public const int MaxLosses = 3;

    private readonly IReadOnlyList<MessageFaultSpec> _faults;
    private readonly Random _random;
    private readonly MessageFaultCounts _counts;

    /// <summary>Creates the stream faults of a run.</summary>
    /// <param name="faults">The scenario's message faults of class <see cref="MessageClass.MigrationStream"/>, in the order written.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="counts">The run's message fault counts, where each fault that acts is added.</param>
    public MigrationStreamFaults(IReadOnlyList<MessageFaultSpec> faults, int seed, MessageFaultCounts counts)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.Any(f => f.Class != MessageClass.MigrationStream)) throw new ArgumentException("only migration-stream faults", nameof(faults));
        _faults = faults;
        _counts = counts ?? throw new ArgumentNullException(nameof(counts));
        _random = new Random(unchecked(seed * 31) ^ 0x6d69_6773);
    }

    /// <summary>The stream faults among <paramref name="faults"/>, or null when there are none (the stream is then not cut at all).</summary>
    public static MigrationStreamFaults? For(IReadOnlyList<MessageFaultSpec> faults, int seed, MessageFaultCounts counts)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var stream = faults.Where(f => f.Class == MessageClass.MigrationStream).ToList();
        return stream.Count == 0 ? null : new MigrationStreamFaults(stream, seed, counts);
    }

    /// <summary>
    /// Decides the faults of one transfer of <paramref name="bytes"/> that crossed from <paramref name="start"/> to
    /// <paramref name="end"/> (chunk i at its share of that time), its chunks numbered from <paramref name="firstSequence"/>.
    /// A lost chunk is resent at once and decided again; the stream breaks when one is lost <see cref="MaxLosses"/>
    /// times in a row (the rest is not decided).
    /// </summary>
    /// <param name="bytes">The transfer's bytes.</param>
    /// <param name="firstSequence">The sequence number of its first chunk.</param>
    /// <param name="start">When it started (virtual time).</param>
    /// <param name="end">When the link's share had carried it.</param>
    /// <param name="from">The source host.</param>
    /// <param name="to">The destination host.</param>
    /// <param name="devices">The VM's devices as (host/vm/device path, vendor).</param>
    public StreamOutcome Send(double bytes, long firstSequence, TimeSpan start, TimeSpan end, string from, string to,
        IReadOnlyList<(string Path, string Vendor)> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var selected = _faults.Where(f => Selects(f, from, to, devices)).ToList();
        long chunks = bytes <= 0 ? 0 : (long)Math.Ceiling(bytes / ChunkBytes);
        long resent = 0, discarded = 0, reordered = 0, extra = 0;
        var delay = TimeSpan.Zero;
        for (long i = 0; i < chunks && selected.Count > 0; i++)
        {
            long size = i < chunks - 1 ? ChunkBytes : (long)Math.Ceiling(bytes - (double)i * ChunkBytes);
            var at = start + (end - start) * ((i + 1) / (double)chunks);
            int losses = 0;
            while (Pick(selected, at) is { } fault)
            {
                _counts.Add(MessageClass.MigrationStream, fault.Action);
                if (fault.Action is MessageFaultAction.Drop or MessageFaultAction.Corrupt)
                {
                    // A gap in the sequence or a checksum that fails: the destination asks for the chunk again.
                    if (++losses == MaxLosses)
                        return new StreamOutcome { Chunks = chunks, Resent = resent, Discarded = discarded, Reordered = reordered, ExtraBytes = extra, Delay = delay, LostChunk = firstSequence + i };
                    resent++;
                    extra += size;
                    continue;
                }
                if (fault.Action == MessageFaultAction.Delay)
                {
                    var drawn = (fault.Delay ?? DelayDistribution.Fixed(TimeSpan.Zero)).Draw(_random);
                    if (drawn > delay) delay = drawn;
                }
                else if (fault.Action == MessageFaultAction.Duplicate)
                {
                    discarded++;
                    extra += size;
                }
                else reordered++;
                break;
            }
        }
        return new StreamOutcome { Chunks = chunks, Resent = resent, Discarded = discarded, Reordered = reordered, ExtraBytes = extra, Delay = delay };
    }

    /// <summary>
    /// True when <paramref name="fault"/>'s selector takes the stream of a VM with <paramref name="devices"/> from
    /// <paramref name="from"/> to <paramref name="to"/>: hosts name either end, devices one of the VM's, vendors one of
    /// its devices' (each list empty: any).
    /// </summary>
    public static bool Selects(MessageFaultSpec fault, string from, string to, IReadOnlyList<(string Path, string Vendor)> devices)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentNullException.ThrowIfNull(devices);
        return (fault.Hosts.Count == 0 || fault.Hosts.Contains(from) || fault.Hosts.Contains(to))
            && (fault.Devices.Count == 0 || devices.Any(d => fault.Devices.Contains(d.Path)))
            && (fault.Vendors.Count == 0 || devices.Any(d => fault.Vendors.Contains(d.Vendor)));
    }

    private MessageFaultSpec? Pick(List<MessageFaultSpec> faults, TimeSpan at)
    {
        foreach (var fault in faults)
        {
            if (at < fault.From || at >= fault.Until) continue;
            if (fault.Probability < 1 && _random.NextDouble() >= fault.Probability) continue;
            return fault;
        }
        return null;
    }
}
