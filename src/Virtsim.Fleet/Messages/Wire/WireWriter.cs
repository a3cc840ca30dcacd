using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Virtsim.Fleet.Messages.Wire;

/// <summary>
/// Writes wire fields into an <see cref="IBufferWriter{T}"/>: LEB128 variable-length unsigned integers, zig-zag
/// signed integers, little-endian fixed-width values, length-prefixed UTF-8 strings and byte blocks, and actor refs
/// as path text plus uid.
/// </summary>
public ref struct WireWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer appending to <paramref name="output"/>.</summary>
    public WireWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>Writes a boolean as one byte (0 or 1).</summary>
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes an unsigned integer in 1 to 10 bytes (LEB128).</summary>
    public void WriteVarUInt64(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _output.Advance(i);
    }

    /// <summary>Writes a signed integer zig-zag encoded (small magnitudes are short).</summary>
    public void WriteVarInt64(long value) => WriteVarUInt64((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes a little-endian 64-bit integer.</summary>
    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    /// <summary>Writes a length-prefixed byte block.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt64((ulong)bytes.Length);
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    /// <summary>Writes a length-prefixed UTF-8 string; null is written as length 0 with a preceding flag.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt64(0);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)count + 1);
        var written = Encoding.UTF8.GetBytes(value, _output.GetSpan(count));
        _output.Advance(written);
    }
}
