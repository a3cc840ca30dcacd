using Akka.Actor;
using Akka.Configuration;
using Virtsim.Fleet.Configuration;

namespace Virtsim.Bench.Remote;

/// <summary>
/// The actor systems of the round-trip benchmark: Akka.Remote over DotNetty TCP on 127.0.0.1 (any free port), with the
/// fleet's serializer bindings (<c>FleetSerializer</c> for every <c>IFleetMessage</c>) or with those messages bound to
/// Akka's default serializer (<c>json</c>: Newtonsoft JSON) by a configuration override.
/// </summary>
public static class RoundTripSystems
{
    /// <summary>The system name with the project's serializer.</summary>
    public const string Fleet = "rtt-fleet";

    /// <summary>The system name with Akka's default serializer for the fleet's messages.</summary>
    public const string Default = "rtt-default";

    /// <summary>Starts the system <paramref name="name"/> (<see cref="Fleet"/> or <see cref="Default"/>).</summary>
    public static ActorSystem Start(string name)
    {
        string bindings = name == Default
            ? "akka.actor.serialization-bindings { \"Virtsim.Fleet.Messages.IFleetMessage, Virtsim.Fleet\" = json }\n"
            : "";
        var config = ConfigurationFactory.ParseString(bindings + """
            akka {
              loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor.provider = remote
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
              }
            }
            """).WithFallback(FleetReference.Akka);
        return ActorSystem.Create(name, config);
    }
}
