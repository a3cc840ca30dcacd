using System.CommandLine;
using Virtsim.Experiments.Conformance;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim conformance --peer NAME [--peer NAME ...] [--case ID ...] [--json] [--html FILE]</c>: runs the conformance
/// catalogue (violations of the virtio spec's MUSTs) with Virtsim as a hostile driver against devices and as a hostile
/// device against drivers, prints the case x peer table (or one JSON line) and optionally writes an HTML page. Exit 1
/// when a Virtsim peer did not reject a case.
/// </summary>
internal static class ConformanceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var peers = new Option<string[]>("--peer")
        {
            Description = "The implementation to test, repeatable: virtsim-device, virtsim-driver, dpdk-vhost (DPDK net_vhost in dpdk-testpmd), " +
                          "dpdk-virtio-user (DPDK net_virtio_user in dpdk-testpmd), qsd-blk (qemu-storage-daemon vhost-user-blk). Default: all five.",
            AllowMultipleArgumentsPerToken = false,
        };
        var cases = new Option<string[]>("--case") { Description = "Run only this case (repeatable; ids as in docs/conformance.md). Default: every case." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON line instead of the table." };
        var html = new Option<string?>("--html") { Description = "Also write the report as a self-contained HTML page to this file." };
        var list = new Option<bool>("--list") { Description = "List the cases (id, format, devices, section) and exit." };
        var command = new Command("conformance",
            "Run the conformance catalogue: Virtsim as a hostile driver against devices and as a hostile device against drivers; " +
            "a verdict per case and peer (REJECTED, TOLERATED, CORRUPTED, WEDGED, CRASHED). Exit 1 when a Virtsim peer did not reject a case.")
        {
            peers, cases, json, html, list,
        };
        command.SetAction(r => Run(r.GetValue(peers) ?? [], r.GetValue(cases) ?? [], r.GetValue(json), r.GetValue(html), r.GetValue(list), stdout, stderr));
        return command;
    }

    private static int Run(string[] peerNames, string[] caseIds, bool json, string? html, bool list, TextWriter stdout, TextWriter stderr)
    {
        if (list)
        {
            foreach (var c in ConformanceCatalogue.All)
                stdout.WriteLine($"{c.Id}\t{c.Side.ToString().ToLowerInvariant()}\t{(c.Format?.ToString().ToLowerInvariant() ?? "any")}\t{string.Join(',', c.Devices).ToLowerInvariant()}\t{c.Section}");
            return ExitCodes.Ok;
        }
        var peers = new List<ConformancePeer>();
        foreach (var name in peerNames)
        {
            if (ConformancePeers.Parse(name) is not { } peer)
            {
                stderr.WriteLine($"virtsim: unknown peer '{name}' (one of {string.Join(", ", ConformancePeers.All.Select(p => p.Name()))})");
                return ExitCodes.UsageError;
            }
            if (!peers.Contains(peer)) peers.Add(peer);
        }
        if (html != null && Path.GetDirectoryName(Path.GetFullPath(html)) is { } dir && !Directory.Exists(dir))
        {
            stderr.WriteLine($"virtsim: the folder of --html {html} does not exist");
            return ExitCodes.UsageError;
        }
        var options = new ConformanceOptions { Peers = peers.Count > 0 ? peers : ConformancePeers.All, CaseIds = caseIds.Length > 0 ? caseIds : null };
        try { ConformanceSuite.Select(options); }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.UsageError;
        }
        var report = ConformanceSuite.Run(options, r =>
            stderr.WriteLine($"{r.Peer.Name()} {r.Case.Id}: {(r.Verdict is { } v ? v.Name() : "n/a")} ({r.Duration.TotalSeconds:0.0} s)"));
        stdout.Write(json ? report.ToJson() + Environment.NewLine : report.ToTable());
        if (html != null)
        {
            try { File.WriteAllText(html, report.ToHtml()); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"virtsim: cannot write {html}: {e.Message}");
                return ExitCodes.PeerFailed;
            }
        }
        return report.VirtsimFailed ? ExitCodes.ChecksFailed : ExitCodes.Ok;
    }
}
