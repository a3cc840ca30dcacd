using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Virtsim.Hosting.Cluster;

/// <summary>
/// Makes a self-signed certificate authority and one certificate per node signed by it, for a cluster on machines
/// of one's own (<c>virtsim cluster cert</c>): <c>ca.crt</c> (PEM, what <c>tls.ca</c> names), <c>ca.pfx</c> (the CA
/// with its key: keep it to sign more nodes, never hand it to a node), and <c>NODE.pfx</c> per node (certificate and
/// key, what <c>tls.certificate</c> names). Node certificates allow server and client authentication (Akka.Remote's
/// TLS is mutual) and name the given hosts as subject alternative names.
/// </summary>
public static class ClusterCertificates
{
    /// <summary>The CA certificate's file name.</summary>
    public const string CaCertificateFile = "ca.crt";

    /// <summary>The CA with its private key.</summary>
    public const string CaKeyFile = "ca.pfx";

    /// <summary>Writes the CA and one PFX per node of <paramref name="nodes"/> into <paramref name="folder"/>; returns the files written.</summary>
    /// <param name="folder">Created when missing.</param>
    /// <param name="nodes">Node names (file names and subjects): letters, digits, '-', '_', '.'.</param>
    /// <param name="hosts">Host names and IP addresses every node certificate names.</param>
    /// <param name="password">The PFX password (empty: none).</param>
    /// <param name="validity">How long the certificates are valid.</param>
    /// <param name="clusterName">Put in the subjects (O=...).</param>
    public static IReadOnlyList<string> Create(string folder, IReadOnlyList<string> nodes, IReadOnlyList<string> hosts, string password, TimeSpan validity,
        string clusterName = "virtsim")
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(hosts);
        foreach (string node in nodes)
        {
            if (node.Length == 0 || node.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || node.StartsWith('.'))
                throw new ArgumentException($"node name '{node}' must be letters, digits, '-', '_' or '.'", nameof(nodes));
        }
        Directory.CreateDirectory(folder);
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore + validity;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={clusterName} cluster CA, O={clusterName}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSubjectKey = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSubjectKey);
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);
        var written = new List<string>();
        string caPath = Path.Combine(folder, CaCertificateFile);
        File.WriteAllText(caPath, ca.ExportCertificatePem() + "\n");
        written.Add(caPath);
        string caKeyPath = Path.Combine(folder, CaKeyFile);
        WritePrivate(caKeyPath, ca.Export(X509ContentType.Pkcs12, password));
        written.Add(caKeyPath);
        foreach (string node in nodes)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={node}, O={clusterName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid(ClusterTls.ServerAuthOid), new Oid(ClusterTls.ClientAuthOid)], false));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(node);
            foreach (string host in hosts)
            {
                if (IPAddress.TryParse(host, out var ip)) names.AddIpAddress(ip);
                else names.AddDnsName(host);
            }
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSubjectKey));
            byte[] serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f; // a positive serial number
            using var signed = request.Create(ca, notBefore, notAfter, serial);
            using var withKey = signed.CopyWithPrivateKey(key);
            string path = Path.Combine(folder, node + ".pfx");
            WritePrivate(path, withKey.Export(X509ContentType.Pkcs12, password));
            written.Add(path);
        }
        return written;
    }

    // Private keys: readable by the owner only.
    private static void WritePrivate(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
