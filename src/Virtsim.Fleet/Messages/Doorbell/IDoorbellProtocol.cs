namespace Virtsim.Fleet.Messages.Doorbell;

/// <summary>
/// The closed family of messages of one protocol: doorbells: a driver notifying a device endpoint of available buffers. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IDoorbellProtocol : IFleetMessage;
