namespace Virtsim.Hosting.Cluster;

/// <summary>The roles a node file may give a node: what it may host.</summary>
public static class NodeRoles
{
    /// <summary>Hosts, VMs and drivers.</summary>
    public const string Hosts = "hosts";

    /// <summary>Hardware VFs and vDPA devices.</summary>
    public const string Devices = "devices";

    /// <summary>Software backends.</summary>
    public const string Backends = "backends";

    /// <summary>Every known role.</summary>
    public static IReadOnlyList<string> Known { get; } = [Hosts, Devices, Backends];
}
