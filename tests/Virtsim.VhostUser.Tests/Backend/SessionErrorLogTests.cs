using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Backend;

/// <summary>The serve summary's errors stay bounded however many front-ends misbehave: counts per kind, last 16 reasons.</summary>
public class SessionErrorLogTests
{
    [Fact]
    public void Counts_every_error_and_keeps_the_last_reasons_in_order()
    {
        var kinds = Gen.Elements(SessionEndKind.Closed, SessionEndKind.Cancelled, SessionEndKind.ProtocolError, SessionEndKind.IoError);
        Prop.ForAll(Gen.ListOf(kinds).Select(k => k.ToArray()).ToArbitrary(), endings =>
        {
            var log = new SessionErrorLog();
            var ends = endings.Select((kind, i) => new SessionEnd(kind, $"end {i}")).ToArray();
            foreach (var end in ends) log.Add(end);
            var errors = ends.Where(e => e.Kind is SessionEndKind.ProtocolError or SessionEndKind.IoError).ToArray();
            return log.ProtocolErrors == ends.Count(e => e.Kind == SessionEndKind.ProtocolError)
                   && log.IoErrors == ends.Count(e => e.Kind == SessionEndKind.IoError)
                   && log.LastReasons.SequenceEqual(errors.TakeLast(SessionErrorLog.KeptReasons).Select(e => e.Reason));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task Serve_after_many_bad_front_ends_reports_all_of_them_counted_and_the_last_16_reasons()
    {
        const int peers = 200;
        string socket = $"/tmp/virtsim-vu-{Guid.NewGuid():N}"[..30] + ".sock";
        var server = VhostUserServer.RunAsync(new VhostUserServeOptions { SocketPath = socket, MaxConnections = peers }, TextWriter.Null, CancellationToken.None);
        for (int i = 0; i < peers; i++)
        {
            // Ring 1000 + i does not exist: each peer is closed with a reason naming its ring.
            using var bad = VhostUserConnection.Connect(socket);
            bad.Send(VhostUserMessage.ForRequest(VhostUserRequest.SetVringNum, new VringState((uint)(1000 + i), 1).ToBytes()));
            Assert.Null(bad.ReceiveReply());
        }
        var summary = await server.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(peers, summary.ProtocolErrors);
        Assert.Equal(0, summary.IoErrors);
        Assert.Equal(SessionErrorLog.KeptReasons, summary.Errors.Count);
        for (int k = 0; k < SessionErrorLog.KeptReasons; k++)
            Assert.Contains($"ring {1000 + peers - SessionErrorLog.KeptReasons + k}", summary.Errors[k]);
        var json = JsonDocument.Parse(summary.Json).RootElement;
        Assert.Equal(SessionErrorLog.KeptReasons, json.GetProperty("errors").GetArrayLength());
        Assert.Equal(peers, json.GetProperty("errorCounts").GetProperty("protocol").GetInt64());
        Assert.Equal(0, json.GetProperty("errorCounts").GetProperty("io").GetInt64());
        Assert.True(summary.Json.Length < 4096, $"the summary line is {summary.Json.Length} bytes");
    }
}
