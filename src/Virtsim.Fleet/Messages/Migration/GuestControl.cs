using Akka.Actor;

namespace Virtsim.Fleet.Messages.Migration;

/// <summary>
/// The VM stops for a migration's switchover (to its VM actor, which passes it to every driver): the guest's drivers
/// take no message until <see cref="ResumeGuest"/>; what reaches them meanwhile waits.
/// </summary>
public sealed class PauseGuest
{
    /// <summary>The only instance.</summary>
    public static PauseGuest Instance { get; } = new();

    private PauseGuest() { }
}

/// <summary>The VM runs again (at the destination, or at the source after a migration failed or rolled back).</summary>
public sealed class ResumeGuest
{
    /// <summary>The only instance.</summary>
    public static ResumeGuest Instance { get; } = new();

    private ResumeGuest() { }
}

/// <summary>A driver's device is now <paramref name="Endpoint"/> (its VM moved, or the device was switched to another implementation).</summary>
/// <param name="Endpoint">The device's transport endpoint from now on.</param>
public sealed record SwitchEndpoint(IActorRef Endpoint);

/// <summary>To a VM actor: its devices are now these endpoints (device name to endpoint), passed to each device's driver.</summary>
/// <param name="Endpoints">The new endpoints by device name.</param>
public sealed record SwitchDevices(IReadOnlyDictionary<string, IActorRef> Endpoints);

/// <summary>To a VM actor: only the driver of <paramref name="Device"/> stops (a device switch); the other drivers go on.</summary>
/// <param name="Device">The device's name in the VM.</param>
public sealed record PauseDriver(string Device);

/// <summary>To a VM actor: the driver of <paramref name="Device"/> runs again after a device switch.</summary>
/// <param name="Device">The device's name in the VM.</param>
public sealed record ResumeDriver(string Device);
