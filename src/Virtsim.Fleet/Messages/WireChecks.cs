using Virtsim.Fleet.Messages.Wire;

namespace Virtsim.Fleet.Messages;

/// <summary>Range checks for values read off the wire: out-of-range values are format errors, never truncations.</summary>
internal static class WireChecks
{
    public static ushort U16(ulong value, string field) =>
        value <= ushort.MaxValue ? (ushort)value : throw new WireFormatException($"{field} {value} does not fit 16 bits.");

    public static uint U32(ulong value, string field) =>
        value <= uint.MaxValue ? (uint)value : throw new WireFormatException($"{field} {value} does not fit 32 bits.");

    public static byte U8(ulong value, string field) =>
        value <= byte.MaxValue ? (byte)value : throw new WireFormatException($"{field} {value} does not fit 8 bits.");

    public static int Int(ulong value, string field) =>
        value <= int.MaxValue ? (int)value : throw new WireFormatException($"{field} {value} does not fit 31 bits.");

    public static TEnum Enum<TEnum>(ulong value, string field) where TEnum : struct, System.Enum
    {
        if (value > byte.MaxValue) throw new WireFormatException($"{field} {value} is not a known value.");
        var e = (TEnum)System.Enum.ToObject(typeof(TEnum), (byte)value);
        return System.Enum.IsDefined(e) ? e : throw new WireFormatException($"{field} {value} is not a known value.");
    }
}
