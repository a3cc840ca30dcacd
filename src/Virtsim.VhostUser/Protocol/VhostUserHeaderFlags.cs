namespace Virtsim.VhostUser.Protocol;

/// <summary>The header's flags word: version in bits 0-1, REPLY bit 2, NEED_REPLY bit 3; every other bit is reserved.</summary>
[Flags]
public enum VhostUserHeaderFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>Protocol version 1 (the only one).</summary>
    Version1 = 0x1,
    /// <summary>Mask of the version bits.</summary>
    VersionMask = 0x3,
    /// <summary>Set on every reply from the back-end.</summary>
    Reply = 0x4,
    /// <summary>The front-end asks for a REPLY_ACK (u64 0 on success).</summary>
    NeedReply = 0x8,
}
