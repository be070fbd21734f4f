using Serilog.Core;
using Serilog.Events;

namespace TcpActors.Observability.Logging;

/// <summary>
/// Passes events on to a logger that is still being built in the background: the OTLP sink loads
/// gRPC, HTTP and protobuf code (0.5-0.6 s on the shared build machine, docs/performance.md), which
/// must not hold up the run's start. Events that come first wait, in order, and go when it is there.
/// </summary>
internal sealed class PendingLoggerSink : ILogEventSink
{
    private readonly Task<Logger> _logger;
    private readonly Lock _lock = new();
    /// <summary>Events emitted before the logger was built; null once they have been passed on.</summary>
    private List<LogEvent>? _waiting = [];

    public PendingLoggerSink(Task<Logger> logger)
    {
        _logger = logger;
        logger.ContinueWith(_ => PassOnWaiting(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    public void Emit(LogEvent logEvent)
    {
        // Under the lock, so that an event cannot overtake the ones still waiting; the sink only queues it.
        lock (_lock)
        {
            if (_waiting is not null) _waiting.Add(logEvent);
            else if (_logger.IsCompletedSuccessfully) _logger.Result.Write(logEvent);
        }
    }

    private void PassOnWaiting()
    {
        lock (_lock)
        {
            if (_logger.IsCompletedSuccessfully)
            {
                foreach (var e in _waiting!) _logger.Result.Write(e);
            }
            _waiting = null;
        }
    }
}
