using System.Buffers.Binary;
using System.Text;

namespace Virtsim.Fleet.Messages.Wire;

/// <summary>
/// Reads the fields written by <see cref="WireWriter"/> from a span. Any malformed input throws
/// <see cref="WireFormatException"/>; nothing else escapes.
/// </summary>
public ref struct WireReader
{
    /// <summary>Strings and byte blocks longer than this are rejected.</summary>
    public const int MaxBlockLength = 16 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _pos;

    /// <summary>Reads one byte.</summary>
    public byte ReadByte()
    {
        if (_pos >= _data.Length) throw Truncated();
        return _data[_pos++];
    }

    /// <summary>Reads a boolean (0 or 1).</summary>
    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new WireFormatException($"Invalid boolean byte {b} at offset {_pos - 1}."),
    };

    /// <summary>Reads an LEB128 unsigned integer.</summary>
    public ulong ReadVarUInt64()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63 && b > 1) break;
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new WireFormatException($"Variable-length integer too long at offset {_pos}.");
    }

    /// <summary>Reads a zig-zag signed integer.</summary>
    public long ReadVarInt64()
    {
        var v = ReadVarUInt64();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>Reads a little-endian 64-bit integer.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a length-prefixed byte block (a slice of the input, not a copy).</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(ReadLength(ReadVarUInt64()));

    /// <summary>Reads a length-prefixed UTF-8 string or null.</summary>
    public string? ReadString()
    {
        var n = ReadVarUInt64();
        if (n == 0) return null;
        var bytes = Take(ReadLength(n - 1));
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new WireFormatException($"Invalid UTF-8 string ending at offset {_pos}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw Truncated();
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    private static int ReadLength(ulong n) =>
        n > MaxBlockLength ? throw new WireFormatException($"Block length {n} exceeds {MaxBlockLength}.") : (int)n;

    private readonly WireFormatException Truncated() => new($"Message truncated at offset {_pos} of {_data.Length}.");
}
