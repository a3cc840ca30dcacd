namespace Virtsim.Hosting.Node;

/// <summary>The <c>virtsim.actors.dispatcher</c> section as plain data.</summary>
public sealed record DispatcherSettings
{
    /// <summary>Simulation or threaded.</summary>
    public required DispatcherKind Kind { get; init; }

    /// <summary>Threaded: messages per actor turn (Akka.NET's throughput).</summary>
    public required int Throughput { get; init; }

    /// <summary>Simulation: wall-clock time at virtual zero.</summary>
    public required DateTimeOffset Epoch { get; init; }
}
