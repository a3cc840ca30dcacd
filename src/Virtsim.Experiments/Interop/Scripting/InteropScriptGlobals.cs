using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Interop.Scripting;

/// <summary>
/// What an interop script (<c>virtsim interop --script FILE.csx</c>) sees as globals: a device (a vendor profile's
/// device in process, chosen with --device, --type and --transport) and Virtsim's driver for it (--driver, --packed),
/// fresh and not yet reset. The script drives them step by step: <c>Driver.Negotiate(...)</c>, <c>Driver.SetupQueue</c>,
/// <c>Driver.DriverOk()</c>, <c>Driver.Add</c>, <c>Driver.Kick</c>, <c>Driver.TakeUsed</c>, <c>Driver.Write</c> and
/// <c>Driver.Read</c>, and states what must hold with <see cref="Check"/>.
/// </summary>
public sealed class InteropScriptGlobals
{
    internal InteropScriptGlobals(InProcessDriver driver, InProcessDevice device, QueueFormat ring, TextWriter output)
    {
        Driver = driver;
        Device = device;
        Ring = ring;
        Output = output;
    }

    /// <summary>Virtsim's in-process driver (kernel style or poll mode) for <see cref="Device"/>.</summary>
    public InProcessDriver Driver { get; }

    /// <summary>The device under test.</summary>
    public InProcessDevice Device { get; }

    /// <summary>The ring format asked for on the command line (<c>--packed</c>): add RING_PACKED to what you negotiate for packed.</summary>
    public QueueFormat Ring { get; }

    /// <summary>Where the script prints (the command's standard output).</summary>
    public TextWriter Output { get; }

    /// <summary>Checks that held so far.</summary>
    public int Checks { get; private set; }

    /// <summary>Fails the script (exit 1) with <paramref name="what"/> unless <paramref name="condition"/> holds.</summary>
    /// <exception cref="InteropScriptCheckFailed">The condition is false.</exception>
    public void Check(bool condition, string what)
    {
        if (!condition) throw new InteropScriptCheckFailed(what);
        Checks++;
    }
}

/// <summary>A script's <see cref="InteropScriptGlobals.Check"/> did not hold.</summary>
/// <param name="what">What the script checked.</param>
public sealed class InteropScriptCheckFailed(string what) : Exception($"check failed: {what}");
