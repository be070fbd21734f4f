using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// The run's Prometheus exposition as text, for a server other than the run's own
/// <c>/metrics</c> (the dashboard's): each <see cref="Collect"/> sends one in-process request,
/// without a socket, through OpenTelemetry's Prometheus scraping middleware on the run's
/// <see cref="TelemetryHost"/>, so the text is the exporter's own, from the same meter provider
/// that feeds OTLP.
/// </summary>
public sealed class PrometheusScrape
{
    /// <summary>The host, being started in the background when nothing waits for it (<see cref="RunTelemetry"/>).</summary>
    private readonly Task<TelemetryHost> _host;
    private readonly Lazy<RequestDelegate> _pipeline;
    private volatile bool _stopped;

    internal PrometheusScrape(Task<TelemetryHost> host)
    {
        _host = host;
        _pipeline = new Lazy<RequestDelegate>(() =>
        {
            var app = new ApplicationBuilder(_host.GetAwaiter().GetResult().Services);
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
            return app.Build();
        });
    }

    /// <summary>The content type of the text exposition format the exporter answers a plain request with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Collects now and returns the metrics as Prometheus text; empty once the run's telemetry is gone.</summary>
    public string Collect()
    {
        if (_stopped) return "";
        // A failed start is reported where the host is used (RunTelemetry); here it is only "no metrics".
        if (!_host.Wait(TimeSpan.FromSeconds(5)) || !_host.IsCompletedSuccessfully) return "";
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        using var body = new MemoryStream();
        context.Response.Body = body;
        try
        {
            _pipeline.Value(context).GetAwaiter().GetResult();
        }
        catch (ObjectDisposedException)
        {
            return ""; // the host stopped meanwhile
        }
        return context.Response.StatusCode == StatusCodes.Status200OK ? System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length) : "";
    }

    /// <summary>The host is stopping: later collections answer empty.</summary>
    internal void Stop() => _stopped = true;
}
