namespace Virtsim.Experiments.Interop;

/// <summary>How a driver reaches a device in a matrix cell.</summary>
public enum InteropTransport
{
    /// <summary>virtio-pci modern (MSI-X), in process.</summary>
    Pci,
    /// <summary>virtio-mmio version 2 (a line interrupt), in process.</summary>
    Mmio,
    /// <summary>vhost-user over a unix socket (the real peers, and Virtsim's own front-end and back-end).</summary>
    VhostUser,
}

/// <summary>Names of transports and ring formats in matrix files and reports.</summary>
public static class InteropNames
{
    /// <summary>Every transport, in report order.</summary>
    public static IReadOnlyList<InteropTransport> Transports { get; } = [InteropTransport.Pci, InteropTransport.Mmio, InteropTransport.VhostUser];

    /// <summary>pci, mmio or vhost-user.</summary>
    public static string Name(this InteropTransport transport) => transport switch
    {
        InteropTransport.Pci => "pci",
        InteropTransport.Mmio => "mmio",
        _ => "vhost-user",
    };

    /// <summary>The transport called <paramref name="name"/>, or null.</summary>
    public static InteropTransport? ParseTransport(string name) =>
        Transports.Cast<InteropTransport?>().FirstOrDefault(t => t!.Value.Name() == name);
}
