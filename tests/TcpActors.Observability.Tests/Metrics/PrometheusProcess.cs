using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using TcpActors.Tests;

namespace TcpActors.Observability.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>, listed in <c>.ci/apt-packages</c>)
/// on a free loopback port with a temporary storage directory, scraping one target every 100 ms.
/// Disposing stops it and removes its files.
/// </summary>
internal sealed class PrometheusProcess : IDisposable
{
    private const string Executable = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<string> _output = [];

    private PrometheusProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port, path /metrics) and waits until it is ready.</summary>
    public static PrometheusProcess Start(string target)
    {
        RequiredProgram.Find(Executable);
        string directory = Directory.CreateTempSubdirectory("tcpactors-prometheus-").FullName;
        string config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 100ms
              scrape_timeout: 90ms
            scrape_configs:
              - job_name: tcpactors
                static_configs:
                  - targets: ['{target}']
            """);
        int port = TestRuns.FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var prometheus = new PrometheusProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => prometheus.Log(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        prometheus.WaitUntilReady();
        return prometheus;
    }

    /// <summary>
    /// Polls the query API (bounded) until the instant query <paramref name="promql"/> returns one
    /// series whose value is <paramref name="expected"/>; fails with the last answer otherwise.
    /// </summary>
    public void WaitForValue(string promql, double expected, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = within ?? TimeSpan.FromSeconds(30);
        string last = "";
        while (deadline.Elapsed < limit)
        {
            last = Query(promql);
            if (SingleValue(last) is { } value && value == expected) return;
            Thread.Sleep(50); // a poll interval, not a wait for the logic: the deadline bounds it
        }
        Assert.Fail($"Prometheus never returned {expected} for {promql} within {limit}; last answer: {last}; its log: {string.Join("\n", Output)}");
    }

    /// <summary>The raw JSON answer of an instant query.</summary>
    public string Query(string promql) =>
        _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql)).GetAwaiter().GetResult();

    /// <summary>The value of the single series of a query answer, or null when there is not exactly one.</summary>
    public static double? SingleValue(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() != 1) return null;
        string text = result[0].GetProperty("value")[1].GetString()!;
        return double.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>The labels of the single series of a query answer.</summary>
    public static IReadOnlyDictionary<string, string> SingleLabels(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        Assert.Equal(1, result.GetArrayLength());
        var labels = new Dictionary<string, string>();
        foreach (var p in result[0].GetProperty("metric").EnumerateObject()) labels[p.Name] = p.Value.GetString()!;
        return labels;
    }

    private IReadOnlyList<string> Output
    {
        get
        {
            lock (_output) return [.. _output];
        }
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    private void WaitUntilReady()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(_process.HasExited, $"prometheus exited with {(_process.HasExited ? _process.ExitCode : 0)}: {string.Join("\n", Output)}");
            try
            {
                using var response = _http.GetAsync("-/ready").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"prometheus was not ready within 30 s: {string.Join("\n", Output)}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
