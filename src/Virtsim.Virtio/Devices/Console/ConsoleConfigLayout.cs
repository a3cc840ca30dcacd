namespace Virtsim.Virtio.Devices.Console;

/// <summary>Byte offsets of <c>struct virtio_console_config</c> fields (spec §5.3.4).</summary>
public static class ConsoleConfigLayout
{
    /// <summary>cols, le16 (with SIZE).</summary>
    public const int Cols = 0;
    /// <summary>rows, le16 (with SIZE).</summary>
    public const int Rows = 2;
    /// <summary>max_nr_ports, le32 (meaningful with MULTIPORT; reads 1 here).</summary>
    public const int MaxNrPorts = 4;
    /// <summary>emerg_wr, le32 (with EMERG_WRITE): a driver write outputs one character.</summary>
    public const int EmergWr = 8;
    /// <summary>Size of the config space.</summary>
    public const int Size = 12;
}
