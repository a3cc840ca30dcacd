using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Console;

/// <summary>Outcome of feeding input to a console.</summary>
/// <param name="Delivered">Bytes written into receive buffers by this call.</param>
/// <param name="BuffersUsed">Receive buffers completed.</param>
/// <param name="Pending">Bytes still waiting for receive buffers.</param>
/// <param name="Interrupt">True when the driver must be interrupted.</param>
/// <param name="Error">The receive queue's error if it is broken.</param>
public readonly record struct ConsoleInputResult(int Delivered, int BuffersUsed, int Pending, bool Interrupt, QueueError Error);
