namespace Virtsim.Fleet.Messages.Net;

/// <summary>
/// The closed family of messages of one protocol: frames on the network: what the switch, net backends and net device endpoints exchange. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface INetProtocol : IFleetMessage;
