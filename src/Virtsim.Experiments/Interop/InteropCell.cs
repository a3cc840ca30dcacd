using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop;

/// <summary>One cell of the matrix: a driver against a device of one type, over a transport, a ring format and a feature set.</summary>
/// <param name="Driver">The driver model.</param>
/// <param name="Device">The device implementation.</param>
/// <param name="Type">blk or net.</param>
/// <param name="Transport">The transport.</param>
/// <param name="Ring">The ring format the driver asks for.</param>
/// <param name="Features">The feature set.</param>
/// <param name="ExpectFail">Why the cell is expected to fail (an <c>expect-fail</c> entry), or null when it must pass.</param>
public sealed record InteropCell(InteropDriver Driver, InteropDevice Device, VhostUserDeviceKind Type, InteropTransport Transport,
    QueueFormat Ring, InteropFeatureSet Features, string? ExpectFail)
{
    /// <summary>"driver / device / type / transport / ring / features".</summary>
    public string Id => $"{Driver.Name} / {Device.Name} / {TypeName} / {Transport.Name()} / {RingName} / {Features.Name}";

    /// <summary>blk or net.</summary>
    public string TypeName => Type == VhostUserDeviceKind.Blk ? "blk" : "net";

    /// <summary>split or packed.</summary>
    public string RingName => Ring == QueueFormat.Packed ? "packed" : "split";
}
