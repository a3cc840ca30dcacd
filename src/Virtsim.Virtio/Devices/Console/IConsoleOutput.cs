namespace Virtsim.Virtio.Devices.Console;

/// <summary>Where a virtio-console device sends what the driver writes (transmitq and emergency writes).</summary>
public interface IConsoleOutput
{
    /// <summary>Bytes written by the driver; the span is valid only during the call.</summary>
    void Write(ReadOnlySpan<byte> data);
}
