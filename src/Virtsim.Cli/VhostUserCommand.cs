using System.CommandLine;
using System.Runtime.InteropServices;
using Virtsim.Cli.Configuration;
using Virtsim.VhostUser.Backend;

namespace Virtsim.Cli;

/// <summary>
/// <c>virtsim vhost-user serve --socket PATH --device net|blk [--queues N] [--image FILE]</c>: serves a Virtsim
/// device to real vhost-user front-ends (DPDK's net_virtio_user, QEMU) until SIGINT or SIGTERM, then prints one
/// JSON summary line.
/// </summary>
internal static class VhostUserCommand
{
    /// <summary>Builds the <c>vhost-user</c> command and its subcommands.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var socket = new Option<string>("--socket")
        {
            Description = "Path of the unix socket to create and listen on (it must not exist yet; it is removed at exit).",
            Required = true,
        };
        var device = new Option<VhostUserDeviceKind>("--device")
        {
            Description = "The device to serve: net or blk.",
            DefaultValueFactory = _ => ServeDefaults.Options.Device,
        };
        var queues = new Option<int>("--queues")
        {
            Description = "Queue pairs (net) or request queues (blk) offered to the front-end.",
            DefaultValueFactory = _ => ServeDefaults.Options.Queues,
        };
        var image = new Option<string?>("--image")
        {
            Description = "blk: the disk image file (created when missing). Without it the disk lives in memory.",
        };
        var serve = new Command("serve", "Serve a Virtsim device over vhost-user until SIGINT/SIGTERM; print one JSON summary line.")
        {
            socket, device, queues, image,
        };
        // Settings without a command-line option (image size, ...) keep the reference.conf values.
        serve.SetAction(r => Serve(ServeDefaults.Options with
        {
            SocketPath = r.GetValue(socket)!,
            Device = r.GetValue(device),
            Queues = r.GetValue(queues),
            ImagePath = r.GetValue(image) ?? ServeDefaults.Options.ImagePath,
        }, stdout, stderr));
        return new Command("vhost-user", "Real vhost-user interop: Virtsim devices for real drivers.") { serve };
    }

    private static int Serve(VhostUserServeOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (options.Queues < 1)
        {
            stderr.WriteLine($"virtsim: --queues must be at least 1 (got {options.Queues})");
            return ExitCodes.BadScenario;
        }
        using var stop = new CancellationTokenSource();
        // SIGINT and SIGTERM end the serve loop cleanly instead of killing the process, so the summary is printed.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            stderr.WriteLine($"virtsim: serving vhost-user {options.Device} on {options.SocketPath} (SIGINT or SIGTERM to stop)");
            // A front-end that misbehaves loses its connection and is listed in the summary's errors; the serve
            // itself still succeeded.
            VhostUserServer.RunAsync(options, stdout, stop.Token).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"virtsim: {e.Message}");
            return ExitCodes.BadScenario;
        }
    }
}
