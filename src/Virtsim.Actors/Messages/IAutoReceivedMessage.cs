namespace Virtsim.Actors.Messages;

/// <summary>Messages the engine handles itself before (or instead of) the actor's behavior.</summary>
internal interface IAutoReceivedMessage;
