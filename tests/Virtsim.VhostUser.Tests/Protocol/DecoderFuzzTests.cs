using FsCheck;
using FsCheck.Fluent;
using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Tests.Protocol;

/// <summary>Random and mutated bytes into the decoders: they either decode or throw the protocol exception, nothing else.</summary>
public class DecoderFuzzTests
{
    private static bool OnlyProtocolErrors(Action decode)
    {
        try { decode(); return true; }
        catch (VhostUserProtocolException) { return true; }
    }

    [Fact]
    public void Random_headers_and_payloads_never_escape_as_other_exceptions()
    {
        Prop.ForAll<byte[], byte[], byte>((header, payload, fds) => OnlyProtocolErrors(() =>
        {
            var h = VhostUserHeader.ParseRequest(header);
            VhostUserRequestRules.Check(h, payload, fds % 10);
            Decode(h.Request, payload, fds % 10);
        })).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Well_formed_headers_with_random_payloads_never_escape()
    {
        var requests = Enum.GetValues<VhostUserRequest>().Where(r => r != VhostUserRequest.None).ToArray();
        Prop.ForAll(Gen.Elements(requests).ToArbitrary(), ArbMap.Default.ArbFor<byte[]>(), Gen.Choose(0, 9).ToArbitrary(), (request, payload, fds) => OnlyProtocolErrors(() =>
        {
            var h = new VhostUserHeader(request, VhostUserHeaderFlags.Version1, (uint)payload.Length);
            VhostUserRequestRules.Check(h, payload, fds);
            Decode(request, payload, fds);
        })).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Mutated_memory_tables_never_escape()
    {
        var valid = new MemoryTable([new MemoryRegionDescription(0, 0x10000, 0x7000_0000, 0), new MemoryRegionDescription(0x100000, 0x2000, 0x8000_0000, 0x1000)]).ToBytes();
        Prop.ForAll(Gen.Choose(0, valid.Length - 1).ToArbitrary(), ArbMap.Default.ArbFor<byte>(), Gen.Choose(0, 3).ToArbitrary(), (at, value, fds) =>
        {
            var bytes = valid.ToArray();
            bytes[at] = value;
            return OnlyProtocolErrors(() => MemoryTable.Parse(bytes, fds));
        }).QuickCheckThrowOnFailure();
    }

    private static void Decode(VhostUserRequest request, byte[] payload, int fds)
    {
        switch (VhostUserRequestRules.KindOf(request))
        {
            case PayloadKind.VringState: VringState.Parse(payload); break;
            case PayloadKind.VringAddress: VringAddress.Parse(payload); break;
            case PayloadKind.MemoryTable: MemoryTable.Parse(payload, fds); break;
            case PayloadKind.Log: LogDescription.Parse(payload); break;
            case PayloadKind.Config: ConfigAccess.Parse(request, payload); break;
            case PayloadKind.U64:
                if (request is VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr)
                    VringFile.Parse(request, payload, fds);
                break;
        }
    }
}
