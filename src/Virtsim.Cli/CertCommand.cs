using System.CommandLine;
using System.Security.Cryptography;
using Virtsim.Hosting.Cluster;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim cluster cert --out DIR [--nodes a,b,c] [--hosts h1,h2] [--password P] [--days N]</c>: a self-signed CA
/// and per-node certificates for Akka.Remote over TLS (<see cref="ClusterCertificates"/>).
/// </summary>
internal static class CertCommand
{
    /// <summary>Builds the <c>cert</c> subcommand.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out") { Description = "The folder to write ca.crt, ca.pfx and NODE.pfx into (created when missing).", Required = true };
        var nodes = new Option<string>("--nodes")
        {
            Description = "Comma-separated node names, one certificate each (default: node-1,node-2,node-3, as cluster-config's example).",
            DefaultValueFactory = _ => "node-1,node-2,node-3",
        };
        var hosts = new Option<string>("--hosts")
        {
            Description = "Comma-separated host names and IP addresses the node certificates name (default: 127.0.0.1,localhost).",
            DefaultValueFactory = _ => "127.0.0.1,localhost",
        };
        var password = new Option<string>("--password") { Description = "The PFX password (default: none; then leave tls.password empty).", DefaultValueFactory = _ => "" };
        var days = WholeNumberOption.WithDefault("--days", "Validity in days, 1 to 36500.", 1, 36500, 365);
        var command = new Command("cert", "Make a self-signed CA and a certificate per node (PFX) for a cluster's TLS (virtsim.cluster.tls); for local use.")
        {
            output, nodes, hosts, password, days,
        };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(nodes)!, r.GetValue(hosts)!, r.GetValue(password)!, r.GetValue(days), stdout, stderr));
        return command;
    }

    private static int Run(string folder, string nodes, string hosts, string password, int days, TextWriter stdout, TextWriter stderr)
    {
        var names = nodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hostNames = hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            stderr.WriteLine("virtsim: --nodes names no node");
            return ExitCodes.UsageError;
        }
        try
        {
            foreach (string file in ClusterCertificates.Create(folder, names, hostNames, password, TimeSpan.FromDays(days)))
                stdout.WriteLine($"wrote {file}");
            stdout.WriteLine($"keep {Path.Combine(folder, ClusterCertificates.CaKeyFile)} to yourself: it signs certificates the cluster admits");
            return ExitCodes.Ok;
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"virtsim: --nodes: {e.Message.Split(" (Parameter", 2)[0]}");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            stderr.WriteLine($"error: cannot write the certificates to {folder}: {e.Message}");
            return ExitCodes.BadScenario;
        }
    }
}
