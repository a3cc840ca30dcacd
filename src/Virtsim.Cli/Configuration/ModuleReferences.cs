using Virtsim.Fleet.Configuration;
using Virtsim.Hocon;
using Virtsim.Hosting;
using Virtsim.VhostUser.Backend;

namespace Virtsim.Cli.Configuration;

/// <summary>
/// The reference.conf of every module (embedded in each assembly): the bottom layer of the configuration,
/// below the cluster file, the scenario and the command line.
/// </summary>
public static class ModuleReferences
{
    private static readonly Lazy<HoconConfig> VhostUser = new(() => HoconConfig.ParseEmbedded(typeof(VhostUserServeOptions).Assembly, "Virtsim.VhostUser.reference.conf"));
    private static readonly Lazy<HoconConfig> Combined = new(() =>
        HostingReference.Config.WithFallback(FleetReference.Config).WithFallback(VhostUserReference));

    /// <summary>Virtsim.VhostUser's reference (<c>virtsim.vhost-user.serve</c>).</summary>
    public static HoconConfig VhostUserReference => VhostUser.Value;

    /// <summary>All module references merged (they do not overlap).</summary>
    public static HoconConfig All => Combined.Value;
}
