namespace Virtsim.Fleet.Messages.Blk;

/// <summary>
/// The closed family of messages of one protocol: block requests between a guest application and its blk driver. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IBlkProtocol : IFleetMessage;
