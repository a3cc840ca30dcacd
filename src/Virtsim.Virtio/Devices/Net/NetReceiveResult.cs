using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>Outcome of <c>NetDevice.ReceiveFrame</c>.</summary>
/// <param name="Status">Delivered or why not.</param>
/// <param name="BuffersUsed">Receive buffers completed (num_buffers when delivered).</param>
/// <param name="Interrupt">True when the driver must be interrupted.</param>
/// <param name="Error">The receive queue's error when <see cref="NetReceiveStatus.QueueBroken"/>.</param>
public readonly record struct NetReceiveResult(NetReceiveStatus Status, int BuffersUsed, bool Interrupt, QueueError Error);
