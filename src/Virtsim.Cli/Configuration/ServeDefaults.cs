using Virtsim.Hocon;
using Virtsim.VhostUser.Backend;
using static Virtsim.Hocon.HoconSettings;

namespace Virtsim.Cli.Configuration;

/// <summary>
/// The defaults of <c>virtsim vhost-user serve</c>, read from Virtsim.VhostUser's reference.conf
/// (<c>virtsim.vhost-user.serve</c>).
/// </summary>
public static class ServeDefaults
{
    private static readonly Lazy<VhostUserServeOptions> Loaded = new(() => FromConfig(ModuleReferences.VhostUserReference, ""));

    /// <summary>The reference's options, with an empty socket path (the command line supplies it).</summary>
    public static VhostUserServeOptions Options => Loaded.Value;

    /// <summary>Reads <c>virtsim.vhost-user.serve</c> of <paramref name="config"/> over the reference.</summary>
    /// <exception cref="HoconException">A setting is invalid.</exception>
    public static VhostUserServeOptions FromConfig(HoconConfig config, string socketPath)
    {
        var s = config.WithFallback(ModuleReferences.VhostUserReference).GetConfig("virtsim.vhost-user.serve");
        var deviceText = s.GetString("device");
        long imageSize = s.GetBytes("image-size");
        return new VhostUserServeOptions
        {
            SocketPath = socketPath,
            Device = deviceText switch
            {
                "net" => VhostUserDeviceKind.Net,
                "blk" => VhostUserDeviceKind.Blk,
                _ => throw new HoconException(s.GetValue("device").Position, $"unknown device '{deviceText}' (net or blk)"),
            },
            Queues = AtLeast(s, "queues", s.GetInt("queues"), 1),
            ImagePath = s.HasPath("image") ? s.GetString("image") : null,
            ImageSize = imageSize > 0 && imageSize % 512 == 0
                ? imageSize
                : throw new HoconException(s.GetValue("image-size").Position, $"image-size {imageSize} must be a positive multiple of 512"),
            Loopback = s.GetBool("loopback"),
            InjectFrames = AtLeast(s, "inject-frames", s.GetLong("inject-frames"), 0),
            InjectFrameSize = AtLeast(s, "inject-frame-size", s.GetInt("inject-frame-size"), 60),
            MaxConnections = AtLeast(s, "max-connections", s.GetInt("max-connections"), 0),
        };
    }
}
