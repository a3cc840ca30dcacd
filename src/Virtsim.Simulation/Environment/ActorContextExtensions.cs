using Akka.Actor;

namespace Virtsim.Simulation.Environment;

/// <summary>Shortcuts to the <see cref="ActorEnvironment"/> from inside an actor.</summary>
public static class ActorContextExtensions
{
    /// <summary>The system's clock (virtual under simulation). Cache it in a field on hot paths.</summary>
    public static IClock Clock(this IActorContext context) => ActorEnvironment.For(context.System).Clock;

    /// <summary>The system's seeded random source. Cache it in a field on hot paths.</summary>
    public static IRandomSource Random(this IActorContext context) => ActorEnvironment.For(context.System).Random;
}
