using Virtsim.Virtio.Transport;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>Records interrupt line changes and MSI-X messages.</summary>
internal sealed class RecordingInterruptSink : IInterruptSink
{
    public bool LineAsserted { get; private set; }
    public int LineRaises { get; private set; }
    public List<(ushort Vector, ulong Address, uint Data)> Messages { get; } = [];

    public void SetInterruptLine(bool asserted)
    {
        if (asserted && !LineAsserted) LineRaises++;
        LineAsserted = asserted;
    }

    public void SendMessage(ushort vector, ulong address, uint data) => Messages.Add((vector, address, data));
}
