using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TcpActors.Observability.Prometheus;

/// <summary>
/// The run's Prometheus exposition as text, for a page other than the metrics port's own
/// <c>/metrics</c> (the dashboard's, behind its token): each <see cref="Collect"/> sends one
/// in-process request, without a socket, through OpenTelemetry's Prometheus scraping middleware
/// on the run's <see cref="TelemetryHost"/>, so the text is the exporter's own, from the same
/// meter provider that feeds OTLP. A dashboard given this scrape serves on the same host
/// (<see cref="Dashboard.DashboardServer.Start"/>).
/// </summary>
public sealed class PrometheusScrape
{
    private readonly Lazy<RequestDelegate> _pipeline;

    internal PrometheusScrape(SharedHost host)
    {
        Host = host;
        _pipeline = new Lazy<RequestDelegate>(() =>
        {
            var app = new ApplicationBuilder(Host.WhenStarted().GetAwaiter().GetResult().Services);
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
            return app.Build();
        });
    }

    /// <summary>The host the scrape collects on, which a dashboard may join.</summary>
    internal SharedHost Host { get; }

    /// <summary>The content type of the text exposition format the exporter answers a plain request with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Collects now and returns the metrics as Prometheus text; once <see cref="Freeze"/> has
    /// been called, the final text; empty when there is nothing to collect from.
    /// </summary>
    public string Collect()
    {
        if (Host.FinalMetrics is { } final) return final;
        string text = CollectNow();
        // A scrape that began just before the final one and collected after the provider was
        // gone gets nothing; the final values are there by then.
        return text.Length == 0 && Host.FinalMetrics is { } frozen ? frozen : text;
    }

    /// <summary>
    /// Takes the final scrape (call after the run's histograms are recorded, before the meter
    /// provider is disposed) and answers with it from then on, here and on the metrics port:
    /// they outlive the run's meter. A second call keeps the first one's text.
    /// </summary>
    internal void Freeze()
    {
        if (Host.FinalMetrics is not null) return;
        Host.FinalMetrics = CollectNow();
    }

    private string CollectNow()
    {
        var host = Host.WhenStarted();
        // A failed start is reported where the host is used (RunTelemetry); here it is only "no metrics".
        if (!host.Wait(TimeSpan.FromSeconds(5)) || !host.IsCompletedSuccessfully) return "";
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
}
