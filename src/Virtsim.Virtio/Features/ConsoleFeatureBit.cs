namespace Virtsim.Virtio.Features;

/// <summary>virtio-console feature bits (spec §5.3.3).</summary>
public static class ConsoleFeatureBit
{
    /// <summary>Configuration cols and rows are valid.</summary>
    public const int Size = 0;
    /// <summary>Multiple ports and a control virtqueue.</summary>
    public const int Multiport = 1;
    /// <summary>Device supports emergency write.</summary>
    public const int EmergWrite = 2;
}
