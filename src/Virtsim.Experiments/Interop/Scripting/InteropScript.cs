using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Virtsim.Fleet.Vendors;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop.Scripting;

/// <summary>What running a script came to.</summary>
/// <param name="Errors">Compile errors as <c>file:line:col: error CSnnnn: message</c>; empty when it compiled.</param>
/// <param name="Failure">Why the script failed while running (a check, an exception), or null.</param>
/// <param name="Checks">Checks that held.</param>
public sealed record InteropScriptResult(IReadOnlyList<string> Errors, string? Failure, int Checks);

/// <summary>
/// Compiles and runs a C# script (Microsoft.CodeAnalysis.CSharp.Scripting) against a fresh in-process device and its
/// driver (<see cref="InteropScriptGlobals"/>). The script may use Virtsim.Virtio's features, queues and device
/// types (imported: Virtsim.Virtio.Features, Virtsim.Virtio.Queues, Virtsim.Virtio.Devices.Blk,
/// Virtsim.Virtio.Devices.Net, Virtsim.Experiments.Interop, System.Buffers.Binary).
/// </summary>
public static class InteropScript
{
    private static readonly string[] Imports =
    [
        "System", "System.Linq", "System.Buffers.Binary", "Virtsim.Virtio.Features", "Virtsim.Virtio.Queues", "Virtsim.Virtio.Devices.Blk",
        "Virtsim.Virtio.Devices.Net", "Virtsim.Virtio.Status", "Virtsim.Experiments.Interop",
    ];

    /// <summary>Runs the script in <paramref name="path"/> with the device of <paramref name="profile"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static InteropScriptResult Run(string path, VendorProfile profile, VhostUserDeviceKind type, InteropTransport transport,
        InteropDriver driver, QueueFormat ring, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(driver);
        string code = File.ReadAllText(path);
        var options = ScriptOptions.Default
            .WithFilePath(Path.GetFullPath(path))
            .WithReferences(typeof(InteropScriptGlobals).Assembly, typeof(FeatureSet).Assembly, typeof(VendorProfile).Assembly, typeof(VhostUserDeviceKind).Assembly)
            .WithImports(Imports);
        var script = CSharpScript.Create(code, options, typeof(InteropScriptGlobals));
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => Describe(d, path)).ToList();
        if (errors.Count > 0) return new InteropScriptResult(errors, null, 0);

        var memory = GuestMemory.WithSparse(InProcessDriver.MemorySize);
        var device = new InProcessDevice(profile, type, transport, memory);
        var globals = new InteropScriptGlobals(new InProcessDriver(device, memory, driver.Mode, driver.QuirkMask(device.SubsystemVendorId)), device, ring, output);
        try
        {
            script.RunAsync(globals).GetAwaiter().GetResult();
            return new InteropScriptResult([], null, globals.Checks);
        }
        catch (InteropScriptCheckFailed e) { return new InteropScriptResult([], e.Message, globals.Checks); }
        catch (CompilationErrorException e) { return new InteropScriptResult(e.Diagnostics.Select(d => Describe(d, path)).ToList(), null, 0); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A script's own exception: where it was thrown in the script, if the stack says.
            string where = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains(Path.GetFileName(path), StringComparison.Ordinal))?.Trim() ?? "";
            return new InteropScriptResult([], $"the script threw {e.GetType().Name}: {e.Message}{(where.Length > 0 ? $" ({where})" : "")}", globals.Checks);
        }
    }

    private static string Describe(Diagnostic d, string path)
    {
        var span = d.Location.GetLineSpan();
        return $"{path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
