using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Endpoints;

/// <summary>
/// The core transport's <see cref="IInterruptSink"/> inside a transport endpoint actor: line assertions and MSI-X
/// message writes become calls the endpoint turns into interrupt messages to the driver.
/// </summary>
internal sealed class EndpointInterruptSink : IInterruptSink
{
    private readonly Action<bool> _line;
    private readonly Action<ushort, uint> _message;

    public EndpointInterruptSink(Action<bool> line, Action<ushort, uint> message)
    {
        _line = line;
        _message = message;
    }

    public void SetInterruptLine(bool asserted) => _line(asserted);

    public void SendMessage(ushort vector, ulong address, uint data) => _message(vector, data);
}
