using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;

namespace Virtsim.VhostUser.Tests.Harness;

/// <summary>Virtsim's back-end (<see cref="VhostUserServer"/>) and front-end (<see cref="VhostUserDriver"/>) in this process, on one socket.</summary>
internal static class InProcessServe
{
    /// <summary>
    /// Serves <paramref name="serve"/>, runs <paramref name="drive"/> against it and returns both summaries; every
    /// step is bounded by <paramref name="timeout"/> (60 s when null). A server with a connection limit ends by itself
    /// after the drive; one without (<see cref="VhostUserServeOptions.MaxConnections"/> 0) is cancelled then. The
    /// server is always stopped and its socket file deleted.
    /// </summary>
    public static async Task<(VhostUserDriveSummary Drive, VhostUserServeSummary Serve)> DriveAsync(
        VhostUserServeOptions serve, VhostUserDriveOptions drive, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var cts = new CancellationTokenSource(limit);
        var server = VhostUserServer.RunAsync(serve, TextWriter.Null, cts.Token);
        try
        {
            var summary = await VhostUserDriver.RunAsync(drive, TextWriter.Null, null, cts.Token).WaitAsync(limit);
            if (serve.MaxConnections == 0) cts.Cancel();
            return (summary, await server.WaitAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            cts.Cancel();
            try { await server.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { }
            File.Delete(serve.SocketPath);
        }
    }
}
