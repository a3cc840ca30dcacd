namespace Virtsim.Simulation.Environment;

/// <summary>
/// The only source of randomness for actors, owned by the actor system and seeded explicitly, so a simulated run
/// replays bit-for-bit from its seed. Actors never create their own <see cref="Random"/>; they reach this through
/// <see cref="ActorEnvironment"/>.
/// </summary>
public interface IRandomSource
{
    /// <summary>The seed this source started from.</summary>
    int Seed { get; }

    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);

    /// <summary>A uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    int Next(int minInclusive, int maxExclusive);

    /// <summary>A uniformly distributed 64-bit integer in [0, <paramref name="maxExclusive"/>).</summary>
    long NextInt64(long maxExclusive);

    /// <summary>A uniformly distributed double in [0, 1).</summary>
    double NextDouble();

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    void NextBytes(Span<byte> buffer);
}
