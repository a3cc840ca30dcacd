namespace Virtsim.Fleet.Migration;

/// <summary>
/// Receives page writes one page number at a time. Implement it as a struct and pass it by <c>ref</c> to
/// <see cref="GuestDirtier.Write{TSink}(TimeSpan, ref TSink)"/>: the generic call is then specialised for it, with no
/// boxing and no allocation per page.
/// </summary>
public interface IPageSink
{
    /// <summary>The guest wrote page <paramref name="page"/> (a page number, not an address).</summary>
    void Write(ulong page);
}
