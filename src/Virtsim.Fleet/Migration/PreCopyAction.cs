namespace Virtsim.Fleet.Migration;

/// <summary>What a pre-copy migration does after a round.</summary>
public enum PreCopyAction
{
    /// <summary>Send another live round: the pages dirtied during the one just sent.</summary>
    Continue,

    /// <summary>Stop the VM and send what is left (stop-and-copy), then resume it at the destination.</summary>
    StopAndCopy,

    /// <summary>Hybrid: switch the VM to the destination now and let post-copy bring what is left.</summary>
    SwitchToPostCopy,
}
