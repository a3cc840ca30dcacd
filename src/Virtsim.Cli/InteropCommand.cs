using System.CommandLine;
using Virtsim.Experiments.Interop;
using Virtsim.Experiments.Interop.Scripting;
using Virtsim.Fleet.Vendors;
using Virtsim.Hocon;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim interop MATRIX.conf [--json] [--html FILE] [--jobs N]</c>: runs every cell of an interop matrix (driver
/// models x device implementations x types x transports x rings x feature sets), prints the table (or the JSON
/// document) and optionally writes the HTML matrix page. Exit 1 when a cell expected to pass failed, 2 on bad input.
/// <c>virtsim interop --script FILE.csx [--device NAME] [--type blk|net] [--transport pci|mmio] [--driver kernel|poll]
/// [--packed]</c> runs a C# script against one in-process device and its driver instead (exit 1 when a check fails, 2
/// on a compile error).
/// </summary>
internal static class InteropCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var matrix = new Argument<string?>("matrix")
        {
            Description = "The matrix file (HOCON; keys in docs/interop.md, example scenarios/interop-matrix.conf).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON document instead of the table." };
        var html = new Option<string?>("--html") { Description = "Also write the matrix as a self-contained HTML page to this file (its folder must exist).", HelpName = "FILE" };
        var jobs = WholeNumberOption.WithDefault("--jobs", "Cells run at once, 1 to 64.", 1, 64, 1);
        var script = new Option<string?>("--script") { Description = "Run this C# script (FILE.csx) against one in-process device and its driver instead of a matrix.", HelpName = "FILE.csx" };
        var device = new Option<string>("--device") { Description = "--script: the vendor profile of the device (acme-vf, swift-vhost, qemu-emu, nimble-vdpa).", DefaultValueFactory = _ => "swift-vhost" };
        var type = new Option<string>("--type") { Description = "--script: blk or net.", DefaultValueFactory = _ => "blk" };
        var transport = new Option<string>("--transport") { Description = "--script: pci or mmio.", DefaultValueFactory = _ => "pci" };
        var driver = new Option<string>("--driver") { Description = "--script: kernel (interrupt driven) or poll.", DefaultValueFactory = _ => "kernel" };
        var packed = new Option<bool>("--packed") { Description = "--script: the script is to use a packed ring (the globals' Ring says so)." };
        var command = new Command("interop",
            "Run an interop matrix: every driver model against every device implementation over each transport, ring format and feature set, " +
            "with negotiated features, quirks masked and a traffic check whose data is verified. Exit 1 when a cell expected to pass failed. " +
            "Cells whose real peers (dpdk-testpmd, qemu-storage-daemon) are missing are reported unavailable: `bash scripts/test.sh` installs them.")
        {
            matrix, json, html, jobs, script, device, type, transport, driver, packed,
        };
        command.SetAction(r => r.GetValue(script) is { } file
            ? RunScript(file, r.GetValue(device)!, r.GetValue(type)!, r.GetValue(transport)!, r.GetValue(driver)!, r.GetValue(packed), stdout, stderr)
            : Run(r.GetValue(matrix), r.GetValue(json), r.GetValue(html), r.GetValue(jobs), stdout, stderr));
        return command;
    }

    private static int RunScript(string path, string deviceName, string typeName, string transportName, string driverName, bool packed,
        TextWriter stdout, TextWriter stderr)
    {
        string? Unknown(string what, string name, IEnumerable<string> valid) => $"unknown {what} '{name}' (valid: {string.Join(", ", valid)})";
        var profile = VendorProfiles.Find(deviceName);
        var driver = InteropDriver.BuiltIn.FirstOrDefault(d => d.Name == driverName && d.Kind == InteropDriverKind.InProcess);
        var transport = InteropNames.ParseTransport(transportName);
        string? problem =
            profile is null ? Unknown("device", deviceName, VendorProfiles.All.Select(p => p.Name))
            : typeName is not ("blk" or "net") ? Unknown("type", typeName, ["blk", "net"])
            : transport is not (InteropTransport.Pci or InteropTransport.Mmio) ? Unknown("transport", transportName, ["pci", "mmio"])
            : driver is null ? Unknown("driver", driverName, ["kernel", "poll"])
            : !File.Exists(path) ? $"the script {path} does not exist"
            : null;
        if (problem != null)
        {
            stderr.WriteLine($"virtsim: {problem}");
            return ExitCodes.UsageError;
        }
        InteropScriptResult result;
        try
        {
            result = InteropScript.Run(path, profile!, typeName == "blk" ? VhostUserDeviceKind.Blk : VhostUserDeviceKind.Net, transport!.Value, driver!,
                packed ? QueueFormat.Packed : QueueFormat.Split, stdout);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"virtsim: cannot read {path}: {e.Message}");
            return ExitCodes.UsageError;
        }
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine(error);
            return ExitCodes.BadScenario;
        }
        if (result.Failure is { } failure)
        {
            stderr.WriteLine($"interop script: {failure} ({result.Checks} checks held before)");
            return ExitCodes.ChecksFailed;
        }
        stderr.WriteLine($"interop script: {result.Checks} checks held");
        return ExitCodes.Ok;
    }

    private static int Run(string? path, bool json, string? html, int jobs, TextWriter stdout, TextWriter stderr)
    {
        if (path is null)
        {
            stderr.WriteLine("virtsim: interop needs a matrix file (e.g. scenarios/interop-matrix.conf) or --script FILE.csx");
            return ExitCodes.UsageError;
        }
        if (html != null && HtmlReportFile.Problem(html) is { } problem)
        {
            stderr.WriteLine($"virtsim: --html {html}: {problem}");
            return ExitCodes.UsageError;
        }
        InteropMatrix loaded;
        try { loaded = MatrixLoader.LoadFile(path); }
        catch (HoconException e)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.BadScenario;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"virtsim: cannot read {path}: {e.Message}");
            return ExitCodes.BadScenario;
        }
        var options = loaded.Options with { Jobs = jobs };
        stderr.WriteLine($"interop: {loaded.Cells.Count} cells ({loaded.NotApplicable} combinations not applicable), {jobs} at a time");
        var report = InteropRunner.Run(loaded, options, (r, done, total) =>
            stderr.WriteLine($"[{done}/{total}] {r.Cell.Id}: {r.Outcome.Name()}{(r.Cell.ExpectFail != null ? " (expected to fail)" : "")} ({r.Duration.TotalSeconds:0.0} s)"));
        stdout.Write(json ? report.ToJson() + Environment.NewLine : report.ToTable());
        int unavailable = report.Totals[CellOutcome.Unavailable];
        if (unavailable > 0) stderr.WriteLine($"interop: {unavailable} cells unavailable: their peers are not installed (`bash scripts/test.sh` installs dpdk and qemu-system-common)");
        if (html != null)
        {
            string command = "virtsim interop " + path + (jobs > 1 ? $" --jobs {jobs}" : "") + " --html " + html;
            string temporary = html + ".tmp";
            try
            {
                File.WriteAllText(temporary, report.ToHtml(command));
                File.Move(temporary, html, overwrite: true);
                stderr.WriteLine($"interop: {html}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"virtsim: cannot write {html}: {e.Message}");
                return ExitCodes.ReportFailed;
            }
        }
        return report.Failed ? ExitCodes.ChecksFailed : ExitCodes.Ok;
    }
}
