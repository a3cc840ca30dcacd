using Virtsim.Actors.Addressing;
using Virtsim.Actors.Refs;

namespace Virtsim.Actors.Wire;

/// <summary>Turns an actor path read off the wire back into a ref (the actor system implements it).</summary>
public interface IActorRefResolver
{
    /// <summary>
    /// A ref for <paramref name="path"/> and incarnation <paramref name="uid"/> (0 = any). Never null: a path with
    /// no live actor yields a ref whose messages become dead letters.
    /// </summary>
    IActorRef ResolveActorRef(ActorPath path, long uid);
}
