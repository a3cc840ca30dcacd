using System.Text.Json;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Tests.Harness;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Backend;

public class ServerTests
{
    private static string SocketPath() => $"/tmp/virtsim-vu-{Guid.NewGuid():N}"[..30] + ".sock";

    [Fact]
    public async Task Serve_survives_a_bad_front_end_serves_the_next_and_prints_one_json_line_when_cancelled()
    {
        string socket = SocketPath();
        var output = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = VhostUserServer.RunAsync(new VhostUserServeOptions { SocketPath = socket, Device = VhostUserDeviceKind.Net }, TextWriter.Synchronized(output), cts.Token);
        Assert.True(File.Exists(socket));

        using (var bad = VhostUserConnection.Connect(socket))
        {
            bad.Send(VhostUserMessage.ForRequest(VhostUserRequest.SetVringNum, new VringState(77, 1).ToBytes()));
            Assert.Null(bad.ReceiveReply()); // the server closed this connection
        }

        using (var ram = new GuestRam())
        using (var front = new FrontEnd(VhostUserConnection.Connect(socket), ram))
        {
            ulong features = front.Negotiate(1UL << 32);
            front.SetMemTable();
            var config = FrontEnd.RingAt(Virtio.Queues.QueueFormat.Split, 16, GuestRam.GuestBase + 0x20000, features);
            front.SetupRing(1, config);
            var tx = Virtio.Queues.Virtqueue.CreateDriver(config, ram.Memory);
            var frame = new byte[12 + 60];
            Assert.True(ram.Memory.TryWrite(GuestRam.GuestBase + 0x100000, frame));
            for (int i = 0; i < 5; i++) Assert.True(tx.TryAdd([new(GuestRam.GuestBase + 0x100000, 72, false)], false, out _));
            tx.PublishAvailable();
            front.Kicks[1].Signal();
            Assert.True(Wait.Until(() => { tx.TryTakeUsed(out _); return tx.InFlightCount == 0; }));
        }

        cts.Cancel();
        var summary = await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(socket), "the socket file is left behind");
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(summary.Json, lines[^1]);
        Assert.Equal("net", json.GetProperty("device").GetString());
        Assert.Equal(2, json.GetProperty("connections").GetInt32());
        Assert.Equal(5, json.GetProperty("framesFromDriver").GetInt64());
        Assert.Equal(0, json.GetProperty("framesToDriver").GetInt64());
        Assert.Contains("VERSION_1", json.GetProperty("featureNames").GetString());
        Assert.Single(summary.Errors);
        Assert.Contains("ring 77", summary.Errors[0]);
    }

    [Fact]
    public async Task Blk_serve_reports_requests_and_bytes()
    {
        string socket = SocketPath();
        var output = new StringWriter();
        var server = VhostUserServer.RunAsync(
            new VhostUserServeOptions { SocketPath = socket, Device = VhostUserDeviceKind.Blk, Queues = 2, MaxConnections = 1 },
            output, CancellationToken.None);
        using (var ram = new GuestRam())
        using (var front = new FrontEnd(VhostUserConnection.Connect(socket), ram))
        {
            front.Negotiate(1UL << 32);
            Assert.Equal(2UL, front.GetU64(VhostUserRequest.GetQueueNum));
        }
        var summary = await server.WaitAsync(TimeSpan.FromSeconds(10));
        var json = JsonDocument.Parse(summary.Json).RootElement;
        Assert.Equal("blk", json.GetProperty("device").GetString());
        Assert.Equal(0, json.GetProperty("requests").GetInt64());
        Assert.Equal(0, json.GetProperty("bytes").GetInt64());
        Assert.Equal((64L << 20) / 512, json.GetProperty("capacitySectors").GetInt64());
        Assert.Empty(summary.Errors);
    }
}
