namespace Virtsim.Fleet.Messages.Backend;

/// <summary>
/// The closed family of messages of one protocol: a device endpoint and its backend (requests, replies, crashes, restarts). Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IBackendProtocol : IFleetMessage;
