namespace Virtsim.Hosting.Cluster.Placement;

/// <summary>A run's placement could not be done (no member of a role, a node refused or did not answer): one line for the user.</summary>
public sealed class PlacementException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PlacementException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PlacementException() { }

    /// <summary>Creates the exception.</summary>
    public PlacementException(string message, Exception inner) : base(message, inner) { }
}
