namespace Virtsim.Fleet.Messages;

/// <summary>The wire type ids of the fleet's messages (1000-1119; the engine reserves ids below 100).</summary>
public static class FleetWireIds
{
    /// <summary><see cref="Doorbell.DoorbellMessage"/>.</summary>
    public const ushort Doorbell = 1000;
    /// <summary><see cref="Interrupt.InterruptMessage"/>.</summary>
    public const ushort Interrupt = 1010;
    /// <summary><see cref="Interrupt.UsedBufferNotification"/>.</summary>
    public const ushort UsedBufferNotification = 1011;
    /// <summary><see cref="Dma.DmaRead"/>.</summary>
    public const ushort DmaRead = 1020;
    /// <summary><see cref="Dma.DmaWrite"/>.</summary>
    public const ushort DmaWrite = 1021;
    /// <summary><see cref="Dma.DmaCompleted"/>.</summary>
    public const ushort DmaCompleted = 1022;
    /// <summary><see cref="Dma.DmaFaulted"/>.</summary>
    public const ushort DmaFaulted = 1023;
    /// <summary><see cref="Dma.DmaBatch"/>.</summary>
    public const ushort DmaBatch = 1024;
    /// <summary><see cref="Dma.QueryDirtyLog"/>.</summary>
    public const ushort QueryDirtyLog = 1025;
    /// <summary><see cref="Dma.DirtyLogReport"/>.</summary>
    public const ushort DirtyLogReport = 1026;
    /// <summary><see cref="Config.ConfigRequest"/>.</summary>
    public const ushort ConfigRequest = 1030;
    /// <summary><see cref="Config.ConfigReply"/>.</summary>
    public const ushort ConfigReply = 1031;
    /// <summary><see cref="Faults.InjectFault"/>.</summary>
    public const ushort InjectFault = 1040;
    /// <summary><see cref="Faults.QueueFault"/>.</summary>
    public const ushort QueueFault = 1041;
    /// <summary><see cref="Faults.InjectIommuFault"/>.</summary>
    public const ushort InjectIommuFault = 1042;
    /// <summary><see cref="Faults.IommuMappingChange"/>.</summary>
    public const ushort IommuMappingChange = 1043;
    /// <summary><see cref="Faults.CrashDevice"/>.</summary>
    public const ushort CrashDevice = 1044;
    /// <summary><see cref="Faults.InjectCrash"/>.</summary>
    public const ushort InjectCrash = 1045;
    /// <summary><see cref="Faults.StoreFailed"/>.</summary>
    public const ushort StoreFailed = 1046;
    /// <summary><see cref="Net.FrameMessage"/>.</summary>
    public const ushort Frame = 1050;
    /// <summary><see cref="Workloads.NetWorkloadActor.FramesLost"/>.</summary>
    public const ushort FramesLost = 1051;
    /// <summary><see cref="Blk.BlkRequest"/>.</summary>
    public const ushort BlkRequest = 1060;
    /// <summary><see cref="Blk.BlkCompletion"/>.</summary>
    public const ushort BlkCompletion = 1061;
    /// <summary><see cref="Backend.BackendRequest"/>.</summary>
    public const ushort BackendRequest = 1100;
    /// <summary><see cref="Backend.BackendReply"/>.</summary>
    public const ushort BackendReply = 1101;
    /// <summary><see cref="Backend.CrashBackend"/>.</summary>
    public const ushort CrashBackend = 1102;
    /// <summary><see cref="Backend.BackendRestarted"/>.</summary>
    public const ushort BackendRestarted = 1103;
}
