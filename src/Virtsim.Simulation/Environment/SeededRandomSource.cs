namespace Virtsim.Simulation.Environment;

/// <summary>
/// An <see cref="IRandomSource"/> over <see cref="Random"/> with an explicit seed. Thread-safe (a lock guards the
/// generator, so real-time runs may share it); under simulation all calls come from one thread in a deterministic
/// order, and the lock is never contended.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly Random _random;
    private readonly Lock _lock = new();

    /// <summary>Creates a source from a seed.</summary>
    public SeededRandomSource(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    /// <inheritdoc />
    public int Seed { get; }

    /// <inheritdoc />
    public int Next(int maxExclusive)
    {
        lock (_lock) return _random.Next(maxExclusive);
    }

    /// <inheritdoc />
    public int Next(int minInclusive, int maxExclusive)
    {
        lock (_lock) return _random.Next(minInclusive, maxExclusive);
    }

    /// <inheritdoc />
    public long NextInt64(long maxExclusive)
    {
        lock (_lock) return _random.NextInt64(maxExclusive);
    }

    /// <inheritdoc />
    public double NextDouble()
    {
        lock (_lock) return _random.NextDouble();
    }

    /// <inheritdoc />
    public void NextBytes(Span<byte> buffer)
    {
        lock (_lock) _random.NextBytes(buffer);
    }
}
