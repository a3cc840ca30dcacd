namespace Virtsim.Fleet.Messages.Config;

/// <summary>
/// The closed family of messages of one protocol: configuration accesses: a driver's register reads and writes, and the endpoint's replies. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IConfigProtocol : IFleetMessage;
