namespace Virtsim.Virtio.Devices.Rng;

/// <summary>Where a virtio-rng device gets its bytes; injected so simulations stay reproducible.</summary>
public interface IEntropySource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
