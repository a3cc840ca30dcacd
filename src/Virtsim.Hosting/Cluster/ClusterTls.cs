using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Virtsim.Hosting.Cluster;

/// <summary>
/// The TLS of a node or client (<see cref="TlsSettings"/>): its certificate and the cluster's CA, loaded and checked
/// before the actor system starts, and the <see cref="DotNettySslSetup"/> that makes Akka.Remote present the
/// certificate and admit only peers whose certificate chains to that CA (mutual authentication both ways).
/// </summary>
public sealed class ClusterTls
{
    /// <summary>Client authentication (1.3.6.1.5.5.7.3.2).</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Server authentication (1.3.6.1.5.5.7.3.1).</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private ClusterTls(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>The node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA every member's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The Akka.Remote setup: this certificate, mutual authentication, peers checked by <see cref="Admits"/>.</summary>
    public DotNettySslSetup Setup => new(Certificate, suppressValidation: false, requireMutualAuthentication: true,
        customValidator: (certificate, _, peer, _, log) =>
        {
            bool admitted = Admits(certificate);
            if (!admitted) log.Warning("TLS: refused {0}: its certificate {1} does not chain to the cluster's CA {2}", peer, certificate?.Subject ?? "(none)", Authority.Subject);
            return admitted;
        });

    /// <summary>Loads and checks the files of <paramref name="settings"/>.</summary>
    /// <exception cref="ClusterNodeException">A file is missing or unreadable, the password is wrong, or a certificate is unfit.</exception>
    public static ClusterTls Load(TlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var certificate = Read(settings.CertificatePath, "tls.certificate", path => X509CertificateLoader.LoadPkcs12FromFile(path, settings.Password));
        if (!certificate.HasPrivateKey)
            throw new ClusterNodeException($"tls.certificate {settings.CertificatePath} holds no private key (a PFX with the node's key is needed)");
        var authority = Read(settings.CaPath, "tls.ca", path => path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(path, settings.Password)
            : X509CertificateLoader.LoadCertificateFromFile(path));
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToHashSet();
        if (!usages.Contains(ServerAuthOid) || !usages.Contains(ClientAuthOid))
            throw new ClusterNodeException($"tls.certificate {settings.CertificatePath} must allow both server and client authentication (extended key usage)");
        var tls = new ClusterTls(certificate, authority);
        if (!tls.Admits(certificate))
            throw new ClusterNodeException($"tls.certificate {settings.CertificatePath} ({certificate.Subject}) does not chain to tls.ca {settings.CaPath} ({authority.Subject}), or is expired");
        return tls;
    }

    /// <summary>True when <paramref name="peer"/> chains to the cluster's CA, is valid now and allows client and server authentication.</summary>
    public bool Admits(X509Certificate? peer)
    {
        if (peer is null) return false;
        using var certificate = X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        return chain.Build(certificate);
    }

    private static X509Certificate2 Read(string path, string key, Func<string, X509Certificate2> load)
    {
        if (!File.Exists(path)) throw new ClusterNodeException($"{key} {path}: no such file");
        try
        {
            return load(path);
        }
        catch (CryptographicException e)
        {
            throw new ClusterNodeException($"{key} {path} cannot be read: {e.Message.TrimEnd('.')} (wrong tls.password, or not a certificate file?)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterNodeException($"{key} {path} cannot be read: {e.Message}", e);
        }
    }
}
