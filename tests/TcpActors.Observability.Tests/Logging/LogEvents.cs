using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace TcpActors.Observability.Tests.Logging;

/// <summary>A Serilog sink that keeps every event, and a logger writing to it.</summary>
internal sealed class LogEvents : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public LogEvents() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public Logger Logger { get; }

    public IReadOnlyList<LogEvent> Events => _events;

    public IEnumerable<LogEvent> Warnings => _events.Where(e => e.Level == LogEventLevel.Warning);

    public void Emit(LogEvent logEvent) => _events.Add(logEvent);

    public static long Long(LogEvent e, string property) => (long)((ScalarValue)e.Properties[property]).Value!;

    public static double Double(LogEvent e, string property) => (double)((ScalarValue)e.Properties[property]).Value!;
}
