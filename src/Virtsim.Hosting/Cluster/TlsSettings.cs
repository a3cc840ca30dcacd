namespace Virtsim.Hosting.Cluster;

/// <summary>The <c>virtsim.cluster.tls</c> section when enabled: the node's certificate and the CA it trusts.</summary>
public sealed record TlsSettings
{
    /// <summary>The node's certificate with its private key (PFX), as written (relative to the working directory).</summary>
    public required string CertificatePath { get; init; }

    /// <summary>The PFX password (empty: none).</summary>
    public required string Password { get; init; }

    /// <summary>The CA certificate the members' certificates chain to.</summary>
    public required string CaPath { get; init; }
}
