using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Frontend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;
using Virtsim.Virtio.Status;

namespace Virtsim.VhostUser.Tests.Frontend;

/// <summary>
/// A device that breaks one reply (wrong size, another request, silence, a close mid-message, no REPLY flag, a
/// descriptor, an oversized payload) makes the front-end stop with a clear <see cref="VhostUserProtocolException"/>
/// naming the request, within the reply timeout, never a hang.
/// </summary>
public sealed class DriveFuzzTests
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMilliseconds(300);

    private static (FrontendSession Session, FakeDevice Device) Pair(int faultAt, ReplyFault fault)
    {
        var (a, b) = VhostUserConnection.CreatePair(ReplyTimeout);
        return (new FrontendSession(new FrontendChannel(a, ReplyTimeout)), new FakeDevice(b, faultAt, fault));
    }

    [Theory]
    [InlineData(ReplyFault.WrongSize, "GetFeatures", "3 bytes")]
    [InlineData(ReplyFault.WrongRequest, "GetFeatures", "reply is for request")]
    [InlineData(ReplyFault.Silence, "GetFeatures", "no reply within")]
    [InlineData(ReplyFault.CloseMidMessage, "GetFeatures", "middle of a message")]
    [InlineData(ReplyFault.Close, "GetFeatures", "closed the connection")]
    [InlineData(ReplyFault.NoReplyFlag, "GetFeatures", "reply flags")]
    [InlineData(ReplyFault.WithDescriptor, "GetFeatures", "file descriptors")]
    [InlineData(ReplyFault.Oversized, "GetFeatures", "exceeds")]
    public void A_broken_first_reply_is_a_protocol_error_naming_the_request(ReplyFault fault, string request, string reason)
    {
        var (session, device) = Pair(0, fault);
        using (session)
        using (device)
        {
            var e = Assert.Throws<VhostUserProtocolException>(() => session.Negotiate(1UL << 32, 1UL << 32));
            Assert.StartsWith(request, e.Message);
            Assert.Contains(reason, e.Message);
        }
    }

    [Fact]
    public async Task A_non_zero_ack_is_a_refusal()
    {
        var (a, b) = VhostUserConnection.CreatePair(TimeSpan.FromSeconds(5));
        using var channel = new FrontendChannel(a, TimeSpan.FromSeconds(5)) { ReplyAck = true };
        using (b)
        {
            // LongRunning: a pool thread can start late when the test run keeps the pool busy.
            var answer = Task.Factory.StartNew(() =>
            {
                Assert.True(b.WaitReadable(5000));
                var request = b.Receive()!;
                b.Send(VhostUserMessage.ReplyU64(request.Request, 1));
            }, TaskCreationOptions.LongRunning);
            var e = Assert.Throws<VhostUserProtocolException>(() => channel.Send(VhostUserRequest.SetVringEnable, new VringState(0, 1).ToBytes()));
            Assert.Contains("refused", e.Message);
            await answer.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void A_device_that_refuses_the_features_through_status_is_an_error()
    {
        var (a, b) = VhostUserConnection.CreatePair(ReplyTimeout);
        using var session = new FrontendSession(new FrontendChannel(a, ReplyTimeout));
        using var device = new FakeDevice(b, int.MaxValue, ReplyFault.Silence) 
        {
            ProtocolOffered = 1UL << (int)VhostUserProtocolFeature.Status, RefuseFeatures = true,
        };
        var e = Assert.Throws<VhostUserProtocolException>(() => session.Negotiate(1UL << 40, 0));
        Assert.Contains("GetStatus", e.Message);
    }

    [Fact]
    public void Any_broken_reply_anywhere_in_a_run_ends_it_with_an_error_in_bounded_time() =>
        Prop.ForAll(Gen.Choose(0, 30).ToArbitrary(), Gen.Elements(Enum.GetValues<ReplyFault>()).ToArbitrary(), ArbMap.Default.ArbFor<bool>(),
            (faultAt, fault, blk) =>
            {
                var (session, device) = Pair(faultAt, fault);
                using (session)
                using (device)
                {
                    var options = new VhostUserDriveOptions
                    {
                        SocketPath = "fake", Device = blk ? VhostUserDeviceKind.Blk : VhostUserDeviceKind.Net, Frames = 4,
                        QueueSize = 8, RequestSize = 4096, Timeout = ReplyTimeout,
                    };
                    var run = Task.Factory.StartNew(() => VhostUserDriver.Run(session, options, TextWriter.Null), TaskCreationOptions.LongRunning);
                    if (!run.Wait(TimeSpan.FromSeconds(10))) return false.Label("the run hung");
                    var summary = run.Result;
                    if (device.Broken == VhostUserRequest.None)
                        // The run ended before the fault: the fake device never serves rings, so it cannot pass.
                        return (!summary.Ok).Label($"a run without a fault passed: {summary.Json}");
                    return (summary.Error != null && !summary.Ok && summary.Error.Contains(device.Broken.ToString()))
                        .Label($"{fault} at reply {faultAt} ({device.Broken}): {summary.Json}");
                }
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
}
