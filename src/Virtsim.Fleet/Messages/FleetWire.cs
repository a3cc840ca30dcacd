using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Blk;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Net;

namespace Virtsim.Fleet.Messages;

/// <summary>Registers the fleet's wire messages.</summary>
public static class FleetWire
{
    /// <summary>Adds every fleet message type to <paramref name="registry"/> and returns it.</summary>
    public static WireRegistry RegisterAll(WireRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<DoorbellMessage>();
        registry.Register<InterruptMessage>();
        registry.Register<UsedBufferNotification>();
        registry.Register<DmaRead>();
        registry.Register<DmaWrite>();
        registry.Register<DmaCompleted>();
        registry.Register<DmaFaulted>();
        registry.Register<DmaBatch>();
        registry.Register<QueryDirtyLog>();
        registry.Register<DirtyLogReport>();
        registry.Register<ConfigRequest>();
        registry.Register<ConfigReply>();
        registry.Register<InjectFault>();
        registry.Register<QueueFault>();
        registry.Register<InjectIommuFault>();
        registry.Register<IommuMappingChange>();
        registry.Register<CrashDevice>();
        registry.Register<InjectCrash>();
        registry.Register<StoreFailed>();
        registry.Register<FrameMessage>();
        registry.Register<Workloads.NetWorkloadActor.FramesLost>();
        registry.Register<BlkRequest>();
        registry.Register<BlkCompletion>();
        registry.Register<BackendRequest>();
        registry.Register<BackendReply>();
        registry.Register<CrashBackend>();
        registry.Register<BackendRestarted>();
        return registry;
    }

    /// <summary>A registry with every fleet message.</summary>
    public static WireRegistry CreateRegistry() => RegisterAll(new WireRegistry());

    /// <summary>The shared registry (complete, read-only after construction).</summary>
    public static WireRegistry Registry { get; } = CreateRegistry();
}
