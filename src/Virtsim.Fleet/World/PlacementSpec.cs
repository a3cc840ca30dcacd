namespace Virtsim.Fleet.World;

/// <summary>
/// Where a cluster run puts devices and blk backends (scenario key <c>placement</c>): the role of the node each runs
/// on. A device runs with its VM (role <see cref="Hosts"/>, the node running the world) unless placed; a blk backend
/// runs with its device unless placed. Runs in one process ignore it.
/// </summary>
public sealed record PlacementSpec
{
    /// <summary>The role of the node that runs the world: hosts, VMs and drivers.</summary>
    public const string Hosts = "hosts";

    /// <summary>The roles a placement may name (a node file's roles).</summary>
    public static IReadOnlyList<string> Roles { get; } = [Hosts, "devices", "backends"];

    /// <summary>Nothing placed: every actor with its host.</summary>
    public static PlacementSpec None { get; } = new();

    /// <summary>The role of devices not listed (<c>placement.default-device-role</c>).</summary>
    public string DefaultDeviceRole { get; init; } = Hosts;

    /// <summary>The role of blk backends not listed (<c>placement.default-backend-role</c>), or null: with their device.</summary>
    public string? DefaultBackendRole { get; init; }

    /// <summary>Devices placed by path ("host/vm/device" = role).</summary>
    public IReadOnlyDictionary<string, string> Devices { get; init; } = new Dictionary<string, string>();

    /// <summary>blk backends placed by their device's path ("host/vm/device/backend" = role, stored without "/backend").</summary>
    public IReadOnlyDictionary<string, string> Backends { get; init; } = new Dictionary<string, string>();

    /// <summary>The role of the node the device at <paramref name="path"/> runs on.</summary>
    public string DeviceRole(string path) => Devices.TryGetValue(path, out var role) ? role : DefaultDeviceRole;

    /// <summary>The role of the node the blk backend of the device at <paramref name="path"/> runs on, or null: with its device.</summary>
    public string? BackendRole(string path) => Backends.TryGetValue(path, out var role) ? role : DefaultBackendRole;

    /// <summary>True when any of <paramref name="devices"/> (paths, and whether blk) or its backend runs apart from its host.</summary>
    public bool PlacesAnything(IEnumerable<(string Path, bool Blk)> devices) =>
        devices.Any(d => DeviceRole(d.Path) != Hosts || (d.Blk && BackendRole(d.Path) is { } b && b != DeviceRole(d.Path)));
}
