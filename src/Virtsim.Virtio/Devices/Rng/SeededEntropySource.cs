namespace Virtsim.Virtio.Devices.Rng;

/// <summary>A deterministic entropy source: the same seed always yields the same byte stream.</summary>
public sealed class SeededEntropySource : IEntropySource
{
    private readonly Random _random;

    /// <summary>Creates a source seeded with <paramref name="seed"/>.</summary>
    public SeededEntropySource(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    /// <summary>The seed (print it so a run can be replayed).</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}
