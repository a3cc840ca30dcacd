using Virtsim.Actors.Addressing;
using Virtsim.Actors.Dispatch;

namespace Virtsim.Actors.Refs;

/// <summary>Common base of the engine's refs: equality by path and uid, and a system-message channel.</summary>
internal abstract class ActorRefBase : IActorRef, IEquatable<IActorRef>
{
    public abstract ActorPath Path { get; }
    public abstract long Uid { get; }
    public abstract void Tell(object message, IActorRef? sender);

    /// <summary>Delivers an engine-internal message (watch, stop, supervision).</summary>
    internal abstract void SendSystem(SystemMessage message);

    public bool Equals(IActorRef? other) =>
        other is not null && (ReferenceEquals(this, other) || (other.Uid == Uid && other.Path.Equals(Path)));

    public override bool Equals(object? obj) => Equals(obj as IActorRef);

    public override int GetHashCode() => HashCode.Combine(Path, Uid);

    public override string ToString() => Uid == 0 ? Path.ToString() : $"{Path}#{Uid}";
}
