namespace Virtsim.Actors.Actors;

/// <summary>
/// Sets messages aside to process them later, typically while the actor waits for something. Unbounded.
/// Stashed messages come back, in their original order and ahead of newer mail, on <see cref="UnstashAll"/> and on
/// restart; they become dead letters when the actor stops.
/// </summary>
public interface IStash
{
    /// <summary>Stashes the message being processed.</summary>
    /// <exception cref="InvalidOperationException">No message is being processed, or it was stashed already.</exception>
    void Stash();

    /// <summary>Puts every stashed message back at the front of the mailbox, oldest first.</summary>
    void UnstashAll();

    /// <summary>Messages currently stashed.</summary>
    int Count { get; }
}
