namespace TcpActors.Observability.Logging;

/// <summary>
/// One kind of warning, at most once per interval of virtual time, in the manner of the
/// kernel's <c>net_ratelimit()</c> (net.core.message_cost = 5 s in Documentation/admin-guide/
/// sysctl/net.rst): what happens in between is counted and told in the next message, so no
/// event is lost and a storm does not flood the log. Virtual time keeps the log deterministic.
/// </summary>
internal sealed class RateLimitedWarning
{
    private readonly TimeSpan _interval;
    private TimeSpan? _lastTold;
    private long _pending;

    public RateLimitedWarning(TimeSpan interval) => _interval = interval;

    /// <summary>Counts <paramref name="newEvents"/>; true with the count to tell when a message is due at <paramref name="now"/>.</summary>
    public bool TryTell(TimeSpan now, long newEvents, out long count)
    {
        _pending += newEvents;
        count = 0;
        if (_pending == 0 || (_lastTold is { } last && now - last < _interval)) return false;
        count = _pending;
        _pending = 0;
        _lastTold = now;
        return true;
    }

    /// <summary>Events counted but not yet told (at the end of a run).</summary>
    public long TakePending()
    {
        long count = _pending;
        _pending = 0;
        return count;
    }
}
