using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace TcpActors.Observability.Logging;

/// <summary>
/// Writes formatted events to a <see cref="TextWriter"/> (the CLI's error writer when it is not
/// the process's console, as in tests); Serilog 3 ships no such sink in its core package.
/// </summary>
internal sealed class WriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        // Events come from the run's worker and the CLI thread; one line at a time.
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
