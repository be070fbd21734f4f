using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace TcpActors.Observability.Logging;

/// <summary>
/// The run's Serilog logger (DESIGN.md §7 Logs): warnings for people on the console, every
/// event as compact JSON (<c>log.json</c>, <see cref="CompactJsonFormatter"/>) for machines. The
/// file is written by a background worker (Serilog.Sinks.Async) so that the run's worker thread,
/// which raises the warnings, never waits on the disk.
/// </summary>
public static class RunLog
{
    /// <summary>File name of the JSON log in the run directory.</summary>
    public const string FileName = "log.json";

    /// <summary>How a people line looks: the CLI's own prefix, then the message.</summary>
    public const string PeopleTemplate = "tcpactors: {Message:lj}{NewLine}";

    /// <summary>
    /// A logger writing every event of Information and up to <paramref name="jsonFile"/> (when
    /// given) and Warnings and up to <paramref name="people"/>: a writer, or null for the
    /// console's standard error through Serilog.Sinks.Console. <paramref name="peopleLevel"/>
    /// null writes nothing for people.
    /// </summary>
    public static Logger Create(string? jsonFile, TextWriter? people, LogEventLevel? peopleLevel = LogEventLevel.Warning)
    {
        var config = new LoggerConfiguration().MinimumLevel.Information().Enrich.FromLogContext();
        if (jsonFile is not null)
        {
            config.WriteTo.Async(a => a.File(new CompactJsonFormatter(), jsonFile), bufferSize: 10_000, blockWhenFull: true);
        }
        if (peopleLevel is { } level)
        {
            if (people is null)
            {
                // Standard error, so that the warnings never mix with the summary a script reads.
                config.WriteTo.Console(level, PeopleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture, standardErrorFromLevel: LogEventLevel.Verbose);
            }
            else
            {
                config.WriteTo.Sink(new WriterSink(people, new MessageTemplateTextFormatter(PeopleTemplate, System.Globalization.CultureInfo.InvariantCulture)), level);
            }
        }
        return config.CreateLogger();
    }
}
