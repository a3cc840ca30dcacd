using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.World;

/// <summary>
/// A template device's vendors by share (scenario key <c>vendor-mix</c>): each call of <see cref="Next"/> gives the
/// next copy's profile by smooth weighted round robin (every share earns its weight, the one furthest ahead is taken
/// and pays the total back). Every prefix of the sequence holds each vendor within one device of its share, and the
/// sequence depends on nothing but the shares and their order, so a fleet is the same for every seed. Pure, not
/// thread-safe.
/// </summary>
public sealed class VendorMix
{
    private readonly VendorProfile[] _profiles;
    private readonly double[] _shares;
    private readonly double[] _credit;

    /// <summary>A mix of <paramref name="shares"/> (each above 0; they should sum to 1).</summary>
    public VendorMix(IReadOnlyList<(VendorProfile Profile, double Share)> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0) throw new ArgumentException("a vendor mix needs at least one vendor", nameof(shares));
        if (shares.Any(s => !(s.Share > 0))) throw new ArgumentException("every share must be above 0", nameof(shares));
        _profiles = [.. shares.Select(s => s.Profile)];
        _shares = [.. shares.Select(s => s.Share)];
        _credit = new double[shares.Count];
    }

    /// <summary>The vendors in the order written.</summary>
    public IReadOnlyList<VendorProfile> Profiles => _profiles;

    /// <summary>The index (into <see cref="Profiles"/>) of the next copy's vendor.</summary>
    public int Next()
    {
        double total = 0;
        int best = 0;
        for (int i = 0; i < _credit.Length; i++)
        {
            _credit[i] += _shares[i];
            total += _shares[i];
            if (_credit[i] > _credit[best]) best = i;
        }
        _credit[best] -= total;
        return best;
    }
}
