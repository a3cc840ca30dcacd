using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Bench.Queues;

/// <summary>
/// Device-side guest-memory transactions per request, split vs packed, counted by the device memory's
/// accounting: every access is one bus transaction for a hardware device. Deterministic: counts, not times.
/// Run with <c>dotnet run -c Release --project bench/Virtsim.Bench -- transactions</c>.
/// </summary>
public static class TransactionReport
{
    /// <summary>One measured configuration.</summary>
    public sealed record Row(string Ring, string Options, int Batch, double DescriptorReads, double IndexReads, double EntryReads,
        double EventReads, double DescriptorWrites, double IndexWrites, double EntryWrites, double EventWrites, double RingTotal);

    /// <summary>Measures every configuration.</summary>
    public static List<Row> Measure(int requests = 4096)
    {
        var rows = new List<Row>();
        foreach (var format in new[] { QueueFormat.Split, QueueFormat.Packed })
        foreach (var (inOrder, indirect, batch) in new[] { (false, false, 1), (false, false, 32), (true, false, 32), (false, true, 32), (true, true, 32) })
            rows.Add(MeasureOne(format, inOrder, indirect, batch, requests));
        return rows;
    }

    /// <summary>Prints the table (markdown).</summary>
    public static void Print(TextWriter output)
    {
        output.WriteLine("Device-side ring transactions per request (16 B header readable + 512 B data + 1 B status writable; payload accesses excluded)");
        output.WriteLine();
        output.WriteLine("| ring | options | batch | desc reads | idx reads | entry reads | event reads | desc writes | idx writes | entry writes | event writes | ring total |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Measure())
            output.WriteLine($"| {r.Ring} | {r.Options} | {r.Batch} | {r.DescriptorReads:0.##} | {r.IndexReads:0.##} | {r.EntryReads:0.##} | {r.EventReads:0.##} | " +
                             $"{r.DescriptorWrites:0.##} | {r.IndexWrites:0.##} | {r.EntryWrites:0.##} | {r.EventWrites:0.##} | {r.RingTotal:0.##} |");
    }

    private static Row MeasureOne(QueueFormat format, bool inOrder, bool indirect, int batch, int requests)
    {
        var pair = new RingPair(format, 256, inOrder, indirect);
        var segments = new[]
        {
            new BufferSegment(RingPair.BufferArea, 16, false),
            new BufferSegment(RingPair.BufferArea + 0x1000, 512, true),
            new BufferSegment(RingPair.BufferArea + 0x2000, 1, true),
        };
        var popped = new List<DescriptorChain>(batch);
        for (int done = 0; done < requests; done += batch)
        {
            for (int i = 0; i < batch; i++)
                if (!pair.Driver.TryAdd(segments, indirect, out _)) throw new InvalidOperationException("ring full");
            pair.Driver.PublishAvailable();
            popped.Clear();
            while (pair.Device.TryPop(out var chain) == PopResult.Popped) popped.Add(chain);
            foreach (var chain in popped) pair.Device.TryComplete(chain, 513);
            pair.Device.PublishUsed();
            while (pair.Driver.TryTakeUsed(out _) == TakeResult.Taken) { }
        }
        var c = pair.DeviceMemory.Counters;
        double per(long n) => (double)n / requests;
        string options = (inOrder ? "in_order" : "out_of_order") + (indirect ? "+indirect" : "");
        return new Row(format.ToString(), options, batch,
            per(c.Reads(MemoryAccessKind.Descriptor)), per(c.Reads(MemoryAccessKind.RingIndex)), per(c.Reads(MemoryAccessKind.RingEntry)),
            per(c.Reads(MemoryAccessKind.EventSuppression)), per(c.Writes(MemoryAccessKind.Descriptor)), per(c.Writes(MemoryAccessKind.RingIndex)),
            per(c.Writes(MemoryAccessKind.RingEntry)), per(c.Writes(MemoryAccessKind.EventSuppression)), per(c.RingOverhead));
    }
}
