namespace Virtsim.Virtio.Status;

/// <summary>Why feature negotiation (spec §2.2, §3.1.1) accepted or refused the driver's features.</summary>
public enum NegotiationVerdict : byte
{
    /// <summary>The features are accepted.</summary>
    Accepted,
    /// <summary>The driver accepted bits the device never offered.</summary>
    NotOffered,
    /// <summary>VERSION_1 is missing although the transport is modern-only.</summary>
    MissingVersion1,
    /// <summary>The device type's own check refused the combination.</summary>
    RefusedByDevice,
}
