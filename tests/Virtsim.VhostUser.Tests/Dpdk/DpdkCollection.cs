namespace Virtsim.VhostUser.Tests.Dpdk;

/// <summary>Real-peer runs share two cores with everything else: run them one at a time, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DpdkCollection
{
    public const string Name = "dpdk";
}
