namespace Virtsim.Fleet.Messages.Interrupt;

/// <summary>
/// The closed family of messages of one protocol: interrupts: a device endpoint signalling its driver (MSI-X, line) or itself. Every message of the family implements it, so a
/// handler's type says which actor accepts what.
/// </summary>
public interface IInterruptProtocol : IFleetMessage;
