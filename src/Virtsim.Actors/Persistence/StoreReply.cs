using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Persistence;

/// <summary>What a store call was for, so the actor knows how to read its completed task.</summary>
internal enum StoreOperation
{
    Claim,
    LoadSnapshot,
    ReadEvents,
    Append,
    SaveSnapshot,
    DeleteEvents,
    DeleteSnapshots,
}

/// <summary>
/// The completion of one store call, sent to the actor as a message (never handled on the store's thread). It
/// names the actor instance that made the call, so a restarted instance ignores its predecessor's replies.
/// </summary>
internal sealed class StoreReply(PersistentActor owner, IActorRef self, IActorRef? sender, StoreOperation operation, Task task, object? state)
{
    public PersistentActor Owner { get; } = owner;
    public IActorRef Self { get; } = self;

    /// <summary>Sent as the message's sender, so handlers run after a write see the command's sender.</summary>
    public IActorRef? Sender { get; } = sender;

    public StoreOperation Operation { get; } = operation;

    /// <summary>The completed store call (its result or its exception).</summary>
    public Task Task { get; } = task;

    /// <summary>Call-specific data (e.g. the snapshot metadata, the deletion bound).</summary>
    public object? State { get; } = state;

    /// <inheritdoc />
    public override string ToString() => $"StoreReply({Operation})";
}
