using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Net;

namespace Virtsim.Fleet.MessageFaults;

/// <summary>
/// Sorts a message into its <see cref="MessageClass"/> by its protocol type, and reads the queue index it carries.
/// Pure: the same message always gets the same answer.
/// </summary>
public static class MessageClassifier
{
    /// <summary>
    /// The class of <paramref name="message"/>, or null when no message fault applies to it (timers, control and
    /// migration messages, a frame on any hop but the wire into its receiver).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="fromSwitch">True when the switch sent it (only such frames are on the wire).</param>
    public static MessageClass? Classify(object message, bool fromSwitch) => message switch
    {
        DoorbellMessage => MessageClass.Doorbell,
        InterruptMessage => MessageClass.Interrupt,
        DmaRead => MessageClass.DmaRead,
        // A ring pass's transactions already ran against memory; the batch charges their time. It is a write when it wrote payload.
        DmaBatch b => b.DataWrites > 0 ? MessageClass.DmaWrite : MessageClass.DmaRead,
        DmaWrite => MessageClass.DmaWrite,
        DmaCompleted or DmaFaulted => MessageClass.DmaCompletion,
        ConfigRequest or ConfigReply => MessageClass.Config,
        BackendRequest => MessageClass.BackendRequest,
        BackendReply => MessageClass.BackendReply,
        FrameMessage when fromSwitch => MessageClass.Frame,
        _ => null,
    };

    /// <summary>The virtqueue <paramref name="message"/> concerns, or -1 when it carries none.</summary>
    public static int QueueOf(object message) => message switch
    {
        DoorbellMessage d => d.Queue,
        // The driver gives queue q the MSI-X vector q + 1 (vector 0 is the configuration change); the line names no queue.
        InterruptMessage { Kind: InterruptKind.Msix, Vector: > 0 and < 0xFFFF } i => i.Vector - 1,
        DmaBatch b => b.Queue,
        DmaRead r => DeviceQueue.QueueOf(r.Tag),
        DmaWrite w => DeviceQueue.QueueOf(w.Tag),
        DmaCompleted c => DeviceQueue.QueueOf(c.Tag),
        DmaFaulted f => DeviceQueue.QueueOf(f.Tag),
        BackendRequest r => r.Queue,
        BackendReply r => r.Queue,
        FrameMessage => 0, // frames arrive on receiveq1
        _ => -1,
    };
}
