namespace Virtsim.Experiments.Conformance;

/// <summary>Whether and when a hostile device committed its fault (shared by its queues; read from other threads).</summary>
internal sealed class FaultState
{
    private volatile string? _what;

    /// <summary>True once the fault was committed.</summary>
    public bool Triggered => _what != null;

    /// <summary>What was done, once triggered.</summary>
    public string? What => _what;

    /// <summary>Records the fault.</summary>
    public void Trigger(string what) => _what = what;
}
