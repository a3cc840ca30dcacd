namespace Virtsim.Experiments.Swarm;

/// <summary>The fault kinds of a scenario's <c>faults</c> list, as written in the file (docs/configuration.md).</summary>
public static class FaultKinds
{
    /// <summary>A device actor crashes and comes back from its journal.</summary>
    public const string DeviceCrash = "device-crash";

    /// <summary>A device's backend crashes and is restarted.</summary>
    public const string BackendCrash = "backend-crash";

    /// <summary>A migration's destination refuses the device's state at the next switchover.</summary>
    public const string RefuseDeviceState = "refuse-device-state";

    /// <summary>A host and everything on it stop.</summary>
    public const string HostCrash = "host-crash";

    /// <summary>A host's NIC carries nothing for a while.</summary>
    public const string LinkFailure = "link-failure";

    /// <summary>A device's window of guest memory leaves its VM's IOMMU domain for a while (docs/faults.md).</summary>
    public const string IommuUnmap = "iommu-unmap";

    /// <summary>A device's ring in guest memory is corrupted when it next serves a queue (docs/faults.md).</summary>
    public const string CorruptMemory = "corrupt-memory";

    /// <summary>The <c>corrupt-memory</c> targets a swarm draws (avail-index only on a split ring).</summary>
    public static IReadOnlyList<string> MemoryTargets { get; } = ["descriptor", "avail-index"];

    /// <summary>Messages of one class dropped, delayed, duplicated, reordered or corrupted in a window (docs/faults.md).</summary>
    public const string Message = "message";

    /// <summary>The message classes a swarm draws (a scenario's <c>class</c> values).</summary>
    public static IReadOnlyList<string> MessageClasses { get; } =
        ["doorbell", "interrupt", "dma-read", "dma-write", "dma-completion", "config", "backend-request", "backend-reply", "frame"];

    /// <summary>The message fault actions a swarm draws (a scenario's <c>action</c> values).</summary>
    public static IReadOnlyList<string> MessageActions { get; } = ["drop", "delay", "duplicate", "reorder", "corrupt"];

    /// <summary>True when the kind targets a host (else a device).</summary>
    public static bool TargetsHost(string kind) => kind is HostCrash or LinkFailure;
}
