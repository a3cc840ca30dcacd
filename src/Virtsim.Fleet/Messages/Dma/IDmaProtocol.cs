namespace Virtsim.Fleet.Messages.Dma;

/// <summary>
/// The closed family of messages of one protocol: DMA: a device endpoint reading and writing guest memory through its host's IOMMU. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IDmaProtocol : IFleetMessage;
