using System.Text;
using System.Text.Json;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// What one migration did, as the run report lists it (issue 13's fields): which VM, from where to where, how, how it
/// ended and why, the rounds, the memory bytes sent and the pages sent again, the device state moved, the downtime,
/// the total time and post-copy's faults.
/// </summary>
public sealed record MigrationResult
{
    /// <summary>The VM, as the scenario names it (<c>host/vm</c>).</summary>
    public required string Vm { get; init; }

    /// <summary>The source host.</summary>
    public required string From { get; init; }

    /// <summary>The destination host.</summary>
    public required string To { get; init; }

    /// <summary>The mode it ran in.</summary>
    public required MigrationMode Mode { get; init; }

    /// <summary>How it ended.</summary>
    public required MigrationOutcome Outcome { get; init; }

    /// <summary>Why it ended so (which feature bits a refusal lacked, what crashed, or how pre-copy stopped); may be empty.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Live pre-copy rounds, round 0 included (0 for post-copy).</summary>
    public int Rounds { get; init; }

    /// <summary>Guest memory bytes sent, every round, the stop-and-copy and post-copy's pages.</summary>
    public long MemoryBytesSent { get; init; }

    /// <summary>Pages sent more than once (dirtied again after they were sent).</summary>
    public long PagesResent { get; init; }

    /// <summary>Device state moved at switchover (queue state, config, in-flight requests, device parts).</summary>
    public long DeviceStateBytes { get; init; }

    /// <summary>How long the VM was stopped.</summary>
    public TimeSpan Downtime { get; init; }

    /// <summary>From the start of the migration to its end.</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>Post-copy faults: accesses to a page not yet at the destination, each a round trip.</summary>
    public long PostCopyFaults { get; init; }

    /// <summary>Chunks of the stream resent because a migration-stream fault dropped or corrupted them (0 without such faults).</summary>
    public long StreamChunksResent { get; init; }

    /// <summary>Duplicated chunks of the stream the destination discarded by their sequence number.</summary>
    public long StreamChunksDiscarded { get; init; }

    /// <summary>Chunks of the stream that arrived out of order and were reassembled by their sequence number.</summary>
    public long StreamChunksReordered { get; init; }

    /// <summary>
    /// Guest memory pages (page numbers) whose contents differed between source and destination at the switchover: a
    /// device's writes were not dirty-tracked. Empty when the destination held exactly the source's memory.
    /// </summary>
    public IReadOnlyList<ulong> MemoryMismatchPages { get; init; } = [];

    /// <summary>A device switch (<see cref="MigrationMode.DeviceSwitch"/>): the device switched; null for a migration.</summary>
    public string? Device { get; init; }

    /// <summary>A device switch: the device's vendor profile before it.</summary>
    public string? FromVendor { get; init; }

    /// <summary>A device switch: the vendor profile it switches to.</summary>
    public string? ToVendor { get; init; }

    /// <summary>
    /// Writes the result as one JSON object into <paramref name="writer"/>, keys in the order and named as the
    /// run report names its own (camelCase, times in microseconds as <c>...Us</c>, mode and outcome by their names).
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("vm", Vm);
        writer.WriteString("from", From);
        writer.WriteString("to", To);
        writer.WriteString("mode", MigrationNames.Of(Mode));
        if (Device is not null)
        {
            writer.WriteString("device", Device);
            writer.WriteString("fromVendor", FromVendor ?? "");
            writer.WriteString("toVendor", ToVendor ?? "");
        }
        writer.WriteString("outcome", MigrationNames.Of(Outcome));
        writer.WriteString("reason", Reason);
        writer.WriteNumber("rounds", Rounds);
        writer.WriteNumber("memoryBytesSent", MemoryBytesSent);
        writer.WriteNumber("pagesResent", PagesResent);
        writer.WriteNumber("deviceStateBytes", DeviceStateBytes);
        writer.WriteNumber("downtimeUs", Downtime.Ticks / 10.0);
        writer.WriteNumber("totalTimeUs", TotalTime.Ticks / 10.0);
        writer.WriteNumber("postCopyFaults", PostCopyFaults);
        if (StreamChunksResent + StreamChunksDiscarded + StreamChunksReordered > 0)
        {
            // Only when migration-stream faults acted: reports of other runs keep their shape.
            writer.WriteNumber("streamChunksResent", StreamChunksResent);
            writer.WriteNumber("streamChunksDiscarded", StreamChunksDiscarded);
            writer.WriteNumber("streamChunksReordered", StreamChunksReordered);
        }
        if (MemoryMismatchPages.Count > 0)
        {
            writer.WriteStartArray("memoryMismatchPages");
            foreach (ulong page in MemoryMismatchPages) writer.WriteNumberValue(page);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="results"/> as the array property <paramref name="name"/> (the run report's <c>migrations</c>).</summary>
    public static void WriteArray(Utf8JsonWriter writer, IEnumerable<MigrationResult> results, string name = "migrations")
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        writer.WriteStartArray(name);
        foreach (var result in results) result.WriteJson(writer);
        writer.WriteEndArray();
    }

    /// <summary>The result as one line of JSON.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) WriteJson(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
