namespace Virtsim.Fleet.Migration;

/// <summary>How a VM's memory moves to the destination.</summary>
public enum MigrationMode
{
    /// <summary>
    /// Pre-copy: round 0 sends every page while the guest runs, each later round the pages dirtied meanwhile, until
    /// the rest fits the downtime limit (or max rounds); then the VM stops and the rest is sent (QEMU's default).
    /// </summary>
    PreCopy,

    /// <summary>
    /// Post-copy: the VM switches to the destination first; pages come in the background and on demand, a page the
    /// guest touches before it arrived costing a round trip (QEMU's postcopy-ram).
    /// </summary>
    PostCopy,

    /// <summary>
    /// Pre-copy rounds, then post-copy for what is left after <see cref="MigrationSettings.PostCopyAfterRounds"/>
    /// rounds (libvirt's <c>--postcopy-after-precopy</c> switches after the first round).
    /// </summary>
    Hybrid,

    /// <summary>
    /// A device switch on the same host (scenario key <c>device-switches</c>): no memory moves; the VM pauses, its
    /// devices stop as their kinds allow and resume with the switched device on its new implementation.
    /// </summary>
    DeviceSwitch,
}
