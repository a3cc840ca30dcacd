namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// A message fault of a scenario (<c>faults = [ { kind = message, class, action, ... } ]</c>): within the window
/// [<see cref="From"/>, <see cref="Until"/>) each message of <see cref="Class"/> that the selector matches suffers
/// <see cref="Action"/> with <see cref="Probability"/>. An empty selector list matches everything.
/// </summary>
public sealed record MessageFaultSpec
{
    /// <summary>The message class.</summary>
    public required MessageClass Class { get; init; }

    /// <summary>What happens to a selected message.</summary>
    public required MessageFaultAction Action { get; init; }

    /// <summary>The chance (0..1) that a matching message is selected.</summary>
    public double Probability { get; init; } = 1;

    /// <summary>The start of the window (virtual time).</summary>
    public TimeSpan From { get; init; }

    /// <summary>The end of the window (virtual time, exclusive).</summary>
    public TimeSpan Until { get; init; } = TimeSpan.MaxValue;

    /// <summary>Devices as "host/vm/device" (empty: every device).</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>Queue indexes (empty: any; otherwise only messages that carry a queue index).</summary>
    public IReadOnlyList<int> Queues { get; init; } = [];

    /// <summary>Host names (empty: every host).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Vendor profile names (empty: every vendor).</summary>
    public IReadOnlyList<string> Vendors { get; init; } = [];

    /// <summary>How long a <see cref="MessageFaultAction.Delay"/> holds a message (null for other actions).</summary>
    public DelayDistribution? Delay { get; init; }

    /// <summary>Where the fault's <c>kind = message</c> is in its scenario file (null for a fault built in code), for errors about it.</summary>
    public Virtsim.Hocon.HoconPosition? Position { get; init; }

    /// <summary>True when the fault selects messages of the device at <paramref name="path"/> of <paramref name="vendor"/>.</summary>
    public bool MatchesDevice(string path, string host, string vendor) =>
        (Devices.Count == 0 || Devices.Contains(path)) && (Hosts.Count == 0 || Hosts.Contains(host)) && (Vendors.Count == 0 || Vendors.Contains(vendor));
}
