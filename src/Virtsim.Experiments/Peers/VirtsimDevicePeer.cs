using Virtsim.VhostUser.Backend;

namespace Virtsim.Experiments.Peers;

/// <summary>Virtsim's own device served in process by <see cref="VhostUserServer"/>.</summary>
internal sealed class VirtsimDevicePeer : IDevicePeer
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<VhostUserServeSummary> _server;
    private readonly TailLog _log = new();

    public VirtsimDevicePeer(VhostUserDeviceKind kind)
    {
        Socket = DevicePeers.NewSocket("vd");
        var options = new VhostUserServeOptions
        {
            SocketPath = Socket, Device = kind, Loopback = kind == VhostUserDeviceKind.Net, ImageSize = 16 << 20,
        };
        _server = VhostUserServer.RunAsync(options, _log, _stop.Token);
    }

    public string Socket { get; }

    public int? ProcessId => null;

    public bool Died(out string how)
    {
        how = _server.IsFaulted ? $"the server failed: {_server.Exception!.GetBaseException().Message}" : "the server stopped";
        return _server.IsCompleted;
    }

    public IReadOnlyList<string> Tail(int lines) => _log.Last(lines);

    public void Dispose()
    {
        _stop.Cancel();
        try { _server.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
        File.Delete(Socket);
    }
}
