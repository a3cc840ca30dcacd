namespace Virtsim.Experiments.Conformance;

/// <summary>Who breaks the spec in a case: the hostile party Virtsim plays.</summary>
public enum ViolationSide
{
    /// <summary>Virtsim is a hostile driver; the peer under test is a device.</summary>
    Driver,
    /// <summary>Virtsim is a hostile device; the peer under test is a driver.</summary>
    Device,
}
