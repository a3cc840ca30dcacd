namespace Virtsim.Fleet.Messages;

/// <summary>
/// A message of the simulated world, with a compact wire form: Akka.NET remoting carries it through
/// <see cref="FleetSerializer"/>, which is bound to this interface. Each protocol family extends it.
/// </summary>
public interface IFleetMessage : Wire.IWireMessage;
