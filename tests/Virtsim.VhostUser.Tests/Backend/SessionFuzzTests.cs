using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Backend;
using Virtsim.VhostUser.Protocol;
using Virtsim.VhostUser.Transport;

namespace Virtsim.VhostUser.Tests.Backend;

/// <summary>Random and mutated byte streams fed to a whole session over a socketpair: it ends cleanly, fast, every time.</summary>
public class SessionFuzzTests
{
    private static readonly byte[] ValidPrologue = BuildPrologue();

    private static byte[] BuildPrologue()
    {
        var messages = new List<VhostUserMessage>
        {
            VhostUserMessage.ForRequest(VhostUserRequest.SetOwner, []),
            VhostUserMessage.ForRequest(VhostUserRequest.GetFeatures, []),
            VhostUserMessage.ForRequest(VhostUserRequest.GetProtocolFeatures, []),
            VhostUserMessage.ForRequestU64(VhostUserRequest.SetProtocolFeatures, VhostUserSession.SupportedProtocolFeatures),
            VhostUserMessage.ForRequestU64(VhostUserRequest.SetFeatures, 1UL << 32 | 1UL << 30, needReply: true),
            VhostUserMessage.ForRequest(VhostUserRequest.SetVringNum, new VringState(0, 256).ToBytes()),
            VhostUserMessage.ForRequest(VhostUserRequest.SetVringBase, new VringState(0, 0).ToBytes()),
            VhostUserMessage.ForRequest(VhostUserRequest.SetVringAddr, new VringAddress(0, 0, 0x1000, 0x3000, 0x2000, 0).ToBytes()),
            VhostUserMessage.ForRequest(VhostUserRequest.SetVringEnable, new VringState(0, 1).ToBytes()),
            VhostUserMessage.ForRequest(VhostUserRequest.GetConfig, new ConfigAccess(0, 0, new byte[6]).ToBytes()),
            VhostUserMessage.ForRequestU64(VhostUserRequest.SetStatus, 0xF, needReply: true),
            VhostUserMessage.ForRequest(VhostUserRequest.GetVringBase, new VringState(0, 0).ToBytes()),
        };
        var stream = new MemoryStream();
        foreach (var m in messages)
        {
            var header = new byte[12];
            m.Header.Write(header);
            stream.Write(header);
            stream.Write(m.Payload);
        }
        return stream.ToArray();
    }

    private static bool SessionSurvives(byte[] bytes)
    {
        var (front, back) = VhostUserConnection.CreatePair(TimeSpan.FromMilliseconds(200));
        using (front)
        using (back)
        {
            // The stream fits in the socket buffer; replies are never read, so keep it small enough not to block the session.
            WriteRaw(front, bytes);
            front.Shutdown();
            using var session = new VhostUserSession(new NetBackend());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var end = session.Run(back, cts.Token);
            return end.Kind != SessionEndKind.Cancelled;
        }
    }

    private static unsafe void WriteRaw(VhostUserConnection connection, byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = Native.LibC.write(connection.Fd, p + done, (nuint)(bytes.Length - done));
                Assert.True(n > 0, "write to the socketpair failed");
                done += (int)n;
            }
        }
    }

    [Fact]
    public void Random_bytes_end_the_session_without_hanging_or_crashing()
    {
        Prop.ForAll<byte[]>(bytes => SessionSurvives(bytes)).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void Mutated_valid_streams_end_the_session_without_hanging_or_crashing()
    {
        Prop.ForAll(Gen.Choose(0, ValidPrologue.Length - 1).ToArbitrary(), ArbMap.Default.ArbFor<byte>(), Gen.Choose(0, ValidPrologue.Length).ToArbitrary(),
            (at, value, cut) =>
            {
                var bytes = ValidPrologue.ToArray();
                bytes[at] = value;
                return SessionSurvives(bytes[..Math.Max(cut, 1)]) && SessionSurvives(bytes);
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }
}
