using System.Buffers.Binary;

namespace Virtsim.Virtio.Transport.Pci;

/// <summary>
/// The MSI-X table and pending bit array of a PCI function (PCI Local Bus spec, MSI-X): per vector a message
/// address, message data and a mask bit. A signalled vector is sent when neither it nor the function is masked,
/// otherwise its pending bit is set and the message goes out when it is unmasked.
/// </summary>
public sealed class MsixTable : IVectorInterruptController
{
    private const int EntrySize = 16;
    private readonly byte[] _table;
    private readonly bool[] _pending;
    private readonly IInterruptSink _sink;

    /// <summary>Creates a table of <paramref name="vectorCount"/> entries, all masked.</summary>
    public MsixTable(int vectorCount, IInterruptSink sink)
    {
        if (vectorCount < 1 || vectorCount > 2048) throw new ArgumentOutOfRangeException(nameof(vectorCount), vectorCount, "MSI-X tables hold 1..2048 vectors");
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _table = new byte[vectorCount * EntrySize];
        _pending = new bool[vectorCount];
        for (int v = 0; v < vectorCount; v++) _table[v * EntrySize + 12] = 1; // vector control: masked
    }

    /// <inheritdoc />
    public bool Enabled { get; private set; }

    /// <summary>MSI-X Function Mask.</summary>
    public bool FunctionMasked { get; private set; }

    /// <inheritdoc />
    public int VectorCount => _pending.Length;

    /// <summary>Number of bytes the table occupies.</summary>
    public int TableSize => _table.Length;

    /// <summary>Number of bytes the pending bit array occupies (whole qwords).</summary>
    public int PbaSize => (VectorCount + 63) / 64 * 8;

    /// <summary>Message address of <paramref name="vector"/>.</summary>
    public ulong GetAddress(int vector) => BinaryPrimitives.ReadUInt64LittleEndian(_table.AsSpan(vector * EntrySize, 8));

    /// <summary>Message data of <paramref name="vector"/>.</summary>
    public uint GetData(int vector) => BinaryPrimitives.ReadUInt32LittleEndian(_table.AsSpan(vector * EntrySize + 8, 4));

    /// <summary>True when <paramref name="vector"/>'s mask bit is set.</summary>
    public bool IsMasked(int vector) => (_table[vector * EntrySize + 12] & 1) != 0;

    /// <summary>True when <paramref name="vector"/> is pending.</summary>
    public bool IsPending(int vector) => _pending[vector];

    /// <summary>Applies the MSI-X capability's Message Control Enable and Function Mask bits.</summary>
    public void SetControl(bool enabled, bool functionMasked)
    {
        Enabled = enabled;
        FunctionMasked = functionMasked;
        DeliverPending();
    }

    /// <inheritdoc />
    public void Signal(ushort vector)
    {
        if (vector >= VectorCount || !Enabled) return;
        if (FunctionMasked || IsMasked(vector)) { _pending[vector] = true; return; }
        _sink.SendMessage(vector, GetAddress(vector), GetData(vector));
    }

    /// <summary>Reads <paramref name="size"/> bytes (1, 2, 4 or 8) of the table; outside reads as 0.</summary>
    public ulong ReadTable(ulong offset, int size)
    {
        if (!Fits(offset, size, _table.Length)) return 0;
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | _table[(int)offset + i];
        return value;
    }

    /// <summary>Writes <paramref name="size"/> bytes of the table; an unmask delivers a pending message.</summary>
    public void WriteTable(ulong offset, int size, ulong value)
    {
        if (!Fits(offset, size, _table.Length)) return;
        for (int i = 0; i < size; i++) _table[(int)offset + i] = (byte)(value >> (8 * i));
        DeliverPending();
    }

    /// <summary>Reads the pending bit array (read-only).</summary>
    public ulong ReadPba(ulong offset, int size)
    {
        if (!Fits(offset, size, PbaSize)) return 0;
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            int byteIndex = (int)offset + i;
            byte b = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                int v = byteIndex * 8 + bit;
                if (v < VectorCount && _pending[v]) b |= (byte)(1 << bit);
            }
            value = (value << 8) | b;
        }
        return value;
    }

    /// <summary>Clears every pending bit (function reset).</summary>
    public void ClearPending() => Array.Clear(_pending);

    private void DeliverPending()
    {
        if (!Enabled || FunctionMasked) return;
        for (int v = 0; v < _pending.Length; v++)
        {
            if (!_pending[v] || IsMasked(v)) continue;
            _pending[v] = false;
            _sink.SendMessage((ushort)v, GetAddress(v), GetData(v));
        }
    }

    private static bool Fits(ulong offset, int size, int length) =>
        size is 1 or 2 or 4 or 8 && offset < (ulong)length && offset + (ulong)size <= (ulong)length && offset % (ulong)size == 0;
}
