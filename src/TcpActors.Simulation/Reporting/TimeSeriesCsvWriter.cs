using System.Globalization;
using System.Text;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Simulation.Reporting;

/// <summary>
/// <c>timeseries.csv</c> written as the samples come (DESIGN.md §7), so that a long run holds no
/// row it has written: into a hidden temporary file beside the target, renamed over it by
/// <see cref="Complete"/> — a reader never sees half a file. An I/O error during the run stops
/// the writing and is thrown by <see cref="Complete"/>, where the run directory is written.
/// </summary>
public sealed class TimeSeriesCsvWriter : ITimeSeriesSink, IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly StreamWriter _writer;
    private readonly char[] _line = new char[64 * 40];
    private IOException? _failure;
    private bool _closed;

    private TimeSeriesCsvWriter(string path, string temp, StreamWriter writer)
    {
        _path = path;
        _temp = temp;
        _writer = writer;
    }

    /// <summary>Starts <c>timeseries.csv</c> in <paramref name="directory"/> (which must exist) and writes its header.</summary>
    public static TimeSeriesCsvWriter Create(string directory)
    {
        string path = Path.Combine(directory, RunDirectory.TimeSeriesFile);
        string temp = Path.Combine(directory, "." + RunDirectory.TimeSeriesFile + "." + Environment.ProcessId + ".tmp");
        var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        writer.Write(RunDirectory.CsvHeader);
        writer.Write('\n');
        return new TimeSeriesCsvWriter(path, temp, writer);
    }

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <inheritdoc/>
    public void Row(TimeSpan time, ReadOnlySpan<long> counts, ReadOnlySpan<long> min, ReadOnlySpan<long> max)
    {
        if (_failure is not null || _closed) return;
        Span<char> line = _line;
        int n = 0;
        (time.Ticks / (double)TimeSpan.TicksPerSecond).TryFormat(line, out int w, "0.0######", CultureInfo.InvariantCulture);
        n += w;
        foreach (long c in counts) n += Cell(line[n..], c);
        for (int s = 0; s < counts.Length; s++)
        {
            n += Cell(line[n..], min[s]);
            n += Cell(line[n..], max[s]);
        }
        line[n++] = '\n';
        try
        {
            _writer.Write(line[..n]);
            Rows++;
        }
        catch (IOException e)
        {
            _failure = e;
        }
    }

    private static int Cell(Span<char> into, long value)
    {
        into[0] = ',';
        value.TryFormat(into[1..], out int w, default, CultureInfo.InvariantCulture);
        return w + 1;
    }

    /// <summary>Flushes the file and renames it into place.</summary>
    /// <exception cref="IOException">Writing failed, now or during the run.</exception>
    public void Complete()
    {
        if (_failure is { } failure) throw new IOException($"{_path}: {failure.Message}", failure);
        _writer.Dispose();
        _closed = true;
        File.Move(_temp, _path, overwrite: true);
    }

    /// <summary>Closes and deletes the temporary file unless <see cref="Complete"/> moved it into place.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _writer.Dispose();
        }
        catch (IOException)
        {
            // The file is being thrown away.
        }
        File.Delete(_temp);
    }
}
