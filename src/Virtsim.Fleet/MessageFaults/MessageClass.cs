namespace Virtsim.Fleet.MessageFaults;

/// <summary>The classes of messages a scenario's message faults act on, by protocol family (docs/faults.md).</summary>
public enum MessageClass : byte
{
    /// <summary><c>doorbell</c>: a driver's queue notification to its device.</summary>
    Doorbell,
    /// <summary><c>interrupt</c>: an MSI-X vector or the line, device to driver.</summary>
    Interrupt,
    /// <summary><c>dma-read</c>: a device reading guest memory (a DMA read, or a ring pass that wrote no payload).</summary>
    DmaRead,
    /// <summary><c>dma-write</c>: a device writing guest memory (a DMA write, or a ring pass that wrote payload).</summary>
    DmaWrite,
    /// <summary><c>dma-completion</c>: the host's answer to a DMA (completed with its bytes, or faulted).</summary>
    DmaCompletion,
    /// <summary><c>config</c>: a driver's register access and the device's reply.</summary>
    Config,
    /// <summary><c>backend-request</c>: a request chain handed by a device to its backend.</summary>
    BackendRequest,
    /// <summary><c>backend-reply</c>: a backend's answer to a request.</summary>
    BackendReply,
    /// <summary><c>frame</c>: an Ethernet frame on the wire, from the switch to the receiving device.</summary>
    Frame,
    /// <summary><c>migration-stream</c>: a chunk of a live migration's stream, source to destination (docs/migration.md).</summary>
    MigrationStream,
}

/// <summary>The names of <see cref="MessageClass"/> and <see cref="MessageFaultAction"/> as a scenario writes them.</summary>
public static class MessageFaultNames
{
    /// <summary>Every class name, in enum order.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["doorbell", "interrupt", "dma-read", "dma-write", "dma-completion", "config", "backend-request", "backend-reply", "frame", "migration-stream"];

    /// <summary>Every action name, in enum order.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["drop", "delay", "duplicate", "reorder", "corrupt"];

    /// <summary>The name of <paramref name="c"/>.</summary>
    public static string Of(MessageClass c) => Classes[(int)c];

    /// <summary>The name of <paramref name="a"/>.</summary>
    public static string Of(MessageFaultAction a) => Actions[(int)a];

    /// <summary>Parses a class name.</summary>
    public static bool TryParseClass(string name, out MessageClass c)
    {
        int i = Index(Classes, name);
        c = (MessageClass)Math.Max(0, i);
        return i >= 0;
    }

    /// <summary>Parses an action name.</summary>
    public static bool TryParseAction(string name, out MessageFaultAction a)
    {
        int i = Index(Actions, name);
        a = (MessageFaultAction)Math.Max(0, i);
        return i >= 0;
    }

    private static int Index(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
