namespace TcpActors.Observability;

/// <summary>
/// The run's one <see cref="TelemetryHost"/> while it is put together: its sites must all be
/// known before it is built (Kestrel listens on a fixed set), so it is started once they are — at
/// once, or, when a dashboard is to share it (<c>tcpactors run --dashboard</c>), once the dashboard
/// has joined (<see cref="TryJoin"/>) or anything needs the host before that — in the background,
/// on a thread of its own.
/// </summary>
internal sealed class SharedHost
{
    private readonly TaskCompletionSource<HostedSite?> _dashboard = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<TelemetryHost> _started;
    private volatile string? _finalMetrics;

    /// <param name="plan">The host's plan, given the dashboard that joined (or null).</param>
    /// <param name="awaitDashboard">True when a dashboard is expected to join.</param>
    public SharedHost(Func<HostedSite?, HostPlan> plan, bool awaitDashboard)
    {
        _started = _dashboard.Task.ContinueWith(
            joined => TelemetryHost.Start(plan(joined.Result) with { FinalMetrics = () => _finalMetrics }),
            CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
        if (!awaitDashboard) _dashboard.TrySetResult(null);
    }

    /// <summary>
    /// The host's start (faulted if it could not). Asking for it means the host is needed now: it
    /// no longer waits for a dashboard to join.
    /// </summary>
    public Task<TelemetryHost> WhenStarted()
    {
        _dashboard.TrySetResult(null);
        return _started;
    }

    /// <summary>Puts the dashboard on the host, unless the host is already under way without one (then false).</summary>
    public bool TryJoin(HostedSite dashboard) => _dashboard.TrySetResult(dashboard);

    /// <summary>The final Prometheus exposition, served by the metrics port once set (the run's meter is gone then).</summary>
    public string? FinalMetrics
    {
        get => _finalMetrics;
        set => _finalMetrics = value;
    }
}
