namespace Virtsim.Actors.Supervision;

/// <summary>Per-child restart counter of a supervisor, for restart limits within a time window.</summary>
internal sealed class RestartStatistics
{
    private int _count;
    private TimeSpan _windowStart;
    private bool _windowOpen;

    /// <summary>Records a restart request at <paramref name="now"/>; false when the limit is exceeded.</summary>
    public bool RequestRestart(int maxRetries, TimeSpan? window, TimeSpan now)
    {
        if (maxRetries < 0) return true;
        if (window is null)
        {
            _count++;
            return _count <= maxRetries;
        }
        if (!_windowOpen || now - _windowStart > window.Value)
        {
            _windowOpen = true;
            _windowStart = now;
            _count = 1;
        }
        else
        {
            _count++;
        }
        return _count <= maxRetries;
    }
}
