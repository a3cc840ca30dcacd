namespace Virtsim.Fleet.Messages.Faults;

/// <summary>
/// The closed family of messages of one protocol: injected faults and their effects (crashes, corrupted queues, IOMMU changes). Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IFaultProtocol : IFleetMessage;
