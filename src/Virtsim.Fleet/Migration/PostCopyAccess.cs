namespace Virtsim.Fleet.Migration;

/// <summary>What a guest access at the destination meets during post-copy.</summary>
public enum PostCopyAccess
{
    /// <summary>The page is there: no wait.</summary>
    Present,

    /// <summary>
    /// The page is missing and nobody asked for it yet: a fault. The destination requests it from the source and the
    /// vCPU waits a network round trip (QEMU's userfaultfd fault, MIG_RP_MSG_REQ_PAGES on the return path).
    /// </summary>
    Fault,

    /// <summary>The page is missing but already on its way (pushed in the background or requested by an earlier fault): the vCPU waits for it, no new request.</summary>
    InFlight,
}
