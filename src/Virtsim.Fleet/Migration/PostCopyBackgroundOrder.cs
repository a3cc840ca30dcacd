namespace Virtsim.Fleet.Migration;

/// <summary>The order in which the source pushes the pages no one asked for during post-copy.</summary>
public enum PostCopyBackgroundOrder
{
    /// <summary>
    /// From the first page up, skipping pages already sent, wrapping around once at the end: QEMU restarts its page
    /// search at the start of RAM when post-copy begins (ram_postcopy_send_discard_bitmap), and with the postcopy-preempt
    /// channel requests do not move it.
    /// </summary>
    Sequential,

    /// <summary>
    /// As <see cref="Sequential"/>, but after a fault the push goes on from the page after the requested one: QEMU without
    /// postcopy-preempt moves its search to the requested page, "since the guest is likely to want other pages near to
    /// the page it just requested" (get_queued_page).
    /// </summary>
    FollowFaults,
}
