using Akka.Actor;

namespace Virtsim.Fleet.World;

/// <summary>Finding the world's actors by path in an Akka.NET actor system.</summary>
public static class ActorSystemPaths
{
    /// <summary>The path of the user guardian (<c>akka://system/user</c>), parent of the world's top-level actors.</summary>
    public static ActorPath UserGuardianPath(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ((ExtendedActorSystem)system).Guardian.Path;
    }

    /// <summary>
    /// A ref for the local actor at <paramref name="path"/>: the actor if it lives, otherwise a ref whose messages
    /// become dead letters.
    /// </summary>
    public static IActorRef ResolveLocal(this ActorSystem system, ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ((ExtendedActorSystem)system).Provider.ResolveActorRef(path);
    }
}
