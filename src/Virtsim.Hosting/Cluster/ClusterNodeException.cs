namespace Virtsim.Hosting.Cluster;

/// <summary>
/// A cluster node could not start or a client could not reach the cluster: the port is taken, no seed answered in
/// time, a certificate cannot be used, no node answered a command. The message is one line fit to print as is.
/// </summary>
public sealed class ClusterNodeException : Exception
{
    /// <summary>Creates the error.</summary>
    public ClusterNodeException(string message, Exception? inner = null) : base(message, inner) { }
}
