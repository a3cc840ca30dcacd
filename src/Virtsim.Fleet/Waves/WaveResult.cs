using System.Text.Json;

namespace Virtsim.Fleet.Waves;

/// <summary>What one migration wave did, for the report: VMs moved and failed, when it ran and the bytes it sent.</summary>
public sealed class WaveResult
{
    /// <summary>A tally for <paramref name="wave"/>, nothing ended yet.</summary>
    public WaveResult(WaveSpec wave)
    {
        ArgumentNullException.ThrowIfNull(wave);
        Index = wave.Index;
        Kind = wave.KindName;
        Hosts = wave.Hosts;
        Planned = wave.Plan.Moves.Count + wave.Plan.Unplaced.Count;
    }

    /// <summary>The wave's place in <c>waves</c> (from 0).</summary>
    public int Index { get; }

    /// <summary>evacuate, rebalance or rolling-upgrade.</summary>
    public string Kind { get; }

    /// <summary>Its hosts as written.</summary>
    public string Hosts { get; }

    /// <summary>VMs the wave should move (moves planned and VMs it could not place).</summary>
    public int Planned { get; }

    /// <summary>VMs that moved (their migration completed).</summary>
    public int Moved { get; internal set; }

    /// <summary>VMs that did not move: not placed, refused, failed, rolled back or lost.</summary>
    public int Failed { get; internal set; }

    /// <summary>When its first migration started (virtual time), null before.</summary>
    public TimeSpan? Start { get; internal set; }

    /// <summary>When its last migration ended so far.</summary>
    public TimeSpan End { get; internal set; }

    /// <summary>Memory and device state bytes its migrations sent.</summary>
    public long Bytes { get; internal set; }

    /// <summary>From the first start to the last end.</summary>
    public TimeSpan Duration => Start is { } s && End > s ? End - s : TimeSpan.Zero;

    /// <summary>Writes the report's <c>waves</c> array.</summary>
    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<WaveResult> waves)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(waves);
        writer.WriteStartArray("waves");
        foreach (var w in waves)
        {
            writer.WriteStartObject();
            writer.WriteNumber("wave", w.Index + 1);
            writer.WriteString("kind", w.Kind);
            writer.WriteString("hosts", w.Hosts);
            writer.WriteNumber("planned", w.Planned);
            writer.WriteNumber("moved", w.Moved);
            writer.WriteNumber("failed", w.Failed);
            writer.WriteNumber("startUs", (w.Start ?? TimeSpan.Zero).Ticks / 10.0);
            writer.WriteNumber("timeUs", w.Duration.Ticks / 10.0);
            writer.WriteNumber("bytes", w.Bytes);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
