namespace Virtsim.Fleet.Waves;

/// <summary>How many of a wave's migrations may run at once (scenario block <c>limits</c> of a wave); each at least 1.</summary>
/// <param name="PerHost">Migrations touching one host, as source or destination.</param>
/// <param name="PerRack">Migrations touching one rack (its hosts as source or destination); without racks the fleet is one rack.</param>
/// <param name="Total">Migrations of the wave.</param>
public sealed record WaveLimits(int PerHost, int PerRack, int Total);
