using System.Buffers;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// Flips one bit of a message in flight. A message carrying bytes (a frame's payload after its Ethernet header, DMA
/// data, a backend request's or reply's bytes) gets the bit flipped in those bytes; any other message in its wire
/// form, which is then read back: when the flipped form no longer reads (a malformed transaction) the message is lost.
/// </summary>
public static class MessageCorruption
{
    /// <summary>Length of the Ethernet header a frame's corruption spares (destination, source, EtherType), so it reaches its receiver.</summary>
    public const int FrameHeader = 14;

    /// <summary>A copy of <paramref name="message"/> with one bit flipped, or null when the flipped form does not read.</summary>
    public static object? Corrupt(object message, Random random)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(random);
        switch (message)
        {
            case FrameMessage f when f.Frame.Length > FrameHeader:
                return new FrameMessage(Flip(f.Frame, FrameHeader, random));
            case DmaCompleted c when c.Data.Length > 0:
                return c with { Data = Flip(c.Data, 0, random) };
            case DmaWrite w when w.Data.Length > 0:
                return w with { Data = Flip(w.Data, 0, random) };
            case BackendRequest r when r.Readable.Length > 0:
                return r with { Readable = Flip(r.Readable, 0, random) };
            case BackendReply r when r.Writable.Length > 0:
                return r with { Writable = Flip(r.Writable, 0, random) };
            case IWireMessage wire:
                return FlipWireForm(wire, random);
            default:
                return message;
        }
    }

    private static byte[] Flip(byte[] bytes, int from, Random random)
    {
        var copy = (byte[])bytes.Clone();
        int bit = random.Next((copy.Length - from) * 8);
        copy[from + bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static object? FlipWireForm(IWireMessage message, Random random)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        WireRegistry.WriteFields(message, buffer);
        if (buffer.WrittenCount == 0) return message;
        var bytes = Flip(buffer.WrittenSpan.ToArray(), 0, random);
        try
        {
            return FleetWire.Registry.ReadFields(FleetWire.Registry.TypeId(message.GetType()), bytes);
        }
        catch (WireFormatException)
        {
            return null;
        }
    }
}
