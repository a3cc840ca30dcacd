namespace Virtsim.Virtio.Queues;

/// <summary>A buffer the device has returned: its id and how many bytes the device wrote into it.</summary>
public readonly record struct UsedBuffer(ushort Id, uint WrittenLength);
