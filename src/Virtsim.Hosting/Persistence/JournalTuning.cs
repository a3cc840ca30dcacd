namespace Virtsim.Hosting.Persistence;

/// <summary>
/// The <c>virtsim.persistence.journal</c> section: how Akka.Persistence.Sql groups writes into transactions and reads
/// events back on recovery. Ignored by the in-memory store.
/// </summary>
public sealed record JournalTuning
{
    /// <summary>Most events written in one transaction (Akka.Persistence.Sql <c>batch-size</c>).</summary>
    public required int BatchSize { get; init; }

    /// <summary>Most write transactions in flight at once (Akka.Persistence.Sql <c>parallelism</c>).</summary>
    public required int Parallelism { get; init; }

    /// <summary>Most writes waiting for a transaction before new ones are refused (Akka.Persistence.Sql <c>buffer-size</c>).</summary>
    public required int BufferSize { get; init; }

    /// <summary>Events read per query when an actor recovers (Akka.Persistence.Sql <c>replay-batch-size</c>).</summary>
    public required int ReplayBatchSize { get; init; }

    /// <summary>Most actors recovering at once on the node (<c>akka.persistence.max-concurrent-recoveries</c>).</summary>
    public required int MaxConcurrentRecoveries { get; init; }
}
