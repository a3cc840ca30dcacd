using Virtsim.Fleet.Migration;
using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.World;

/// <summary>
/// One live migration a scenario schedules (<c>migrations = [ { vm = "h1/vm1", to = h2, at = 5ms, mode = pre-copy, ... } ]</c>):
/// which VM, from which host to which, when, with which settings, and the device implementations it gets at the
/// destination (the source's unless <see cref="DeviceVendors"/> switches one, e.g. a VF to a vhost-user backend).
/// </summary>
public sealed record MigrationSpec
{
    /// <summary>The VM's name within its source host.</summary>
    public required string Vm { get; init; }

    /// <summary>The source host.</summary>
    public required string From { get; init; }

    /// <summary>The destination host.</summary>
    public required string To { get; init; }

    /// <summary>When it starts (virtual time from the start of the run).</summary>
    public TimeSpan At { get; init; }

    /// <summary>Mode, bandwidth cap, downtime limit, max rounds, auto-converge.</summary>
    public MigrationSettings Settings { get; init; } = new();

    /// <summary>
    /// Devices whose implementation changes with the move (device name to the destination's vendor profile); every other
    /// device keeps its profile. Scenario key <c>devices = { blk0 = swift-vhost }</c>.
    /// </summary>
    public IReadOnlyDictionary<string, VendorProfile> DeviceVendors { get; init; } = new Dictionary<string, VendorProfile>();

    /// <summary>What a link failure during the transfer does: abort the migration, or wait for the link (scenario key <c>on-link-failure</c>).</summary>
    public LinkFailurePolicy OnLinkFailure { get; init; } = LinkFailurePolicy.Abort;

    /// <summary>Post-copy: the round trip a guest touch of a missing page costs (request to the source, page back).</summary>
    public TimeSpan PostCopyRoundTrip { get; init; } = TimeSpan.FromMicroseconds(100);

    /// <summary>The VM's key on the source host when it is not <see cref="Vm"/> (a VM whose device was switched before).</summary>
    public string? Resident { get; init; }

    /// <summary>The prefix of the VM's key on the destination host (by default the source's name and a dot).</summary>
    public string ArrivingPrefix
    {
        get => _arrivingPrefix ?? From + ".";
        init => _arrivingPrefix = value;
    }

    private readonly string? _arrivingPrefix;

    /// <summary>"host/vm" of the VM at the source.</summary>
    public string VmPath => $"{From}/{Vm}";
}

/// <summary>What a migration does when a link it uses fails mid-transfer.</summary>
public enum LinkFailurePolicy : byte
{
    /// <summary><c>abort</c>: the migration fails; the VM keeps running on the source.</summary>
    Abort,
    /// <summary><c>retry</c>: the transfer waits (rate 0) until the link is back, then goes on.</summary>
    Retry,
}
