namespace Virtsim.VhostUser.Protocol;

/// <summary>Feature bits vhost-user adds on top of virtio's.</summary>
public static class VhostUserFeatures
{
    /// <summary>VHOST_F_LOG_ALL: the front-end may ask for dirty logging.</summary>
    public const int LogAll = 26;

    /// <summary>VHOST_USER_F_PROTOCOL_FEATURES: GET/SET_PROTOCOL_FEATURES are supported.</summary>
    public const int ProtocolFeatures = 30;

    /// <summary>Mask of both bits (they are not virtio device features).</summary>
    public const ulong TransportMask = (1UL << LogAll) | (1UL << ProtocolFeatures);
}
