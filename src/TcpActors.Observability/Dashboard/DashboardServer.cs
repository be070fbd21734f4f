using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TcpActors.Observability.Prometheus;
using TcpActors.Simulation.Live;
using TcpActors.Simulation.Reporting;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Telemetry;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// The live web dashboard (<c>tcpactors run --dashboard</c>): one self-contained page that draws
/// the state counts as the run streams them (Server-Sent Events), and a control API in the manner
/// of Toxiproxy through which chaos enters the run live.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>GET /</c></term><description>the page (no CDN, nothing fetched from elsewhere)</description></item>
/// <item><term><c>GET /api/events</c></term><description><c>text/event-stream</c>: <c>history</c> once, a <c>sample</c> per sample, <c>end</c> when the run is over</description></item>
/// <item><term><c>GET /api/state</c></term><description>the newest sample, the chaos in force, the digest once finished</description></item>
/// <item><term><c>GET /api/chaos</c></term><description>the live chaos in force</description></item>
/// <item><term><c>POST /api/chaos</c></term><description><c>{"kind":"loss","loss":0.3}</c>, <c>{"kind":"delay","delay_ms":200}</c>, <c>{"kind":"partition"}</c>, <c>{"kind":"crash","host":0}</c>: 201 with the change</description></item>
/// <item><term><c>DELETE /api/chaos[/ID]</c></term><description>remove one live chaos, or all</description></item>
/// <item><term><c>GET /metrics</c></term><description>the Prometheus scrape of the run</description></item>
/// </list>
/// Every request is checked before it is served, in this order: its <c>Host</c> must name this
/// dashboard (421: DNS rebinding), its <c>Origin</c>, when a browser sends one, must be the
/// dashboard's own (403: another site or port), and every call but the page must carry the run's
/// token (401). A change must be <c>application/json</c> (415) of at most 64 KB (413) with exactly
/// the fields of its kind (400 naming the field). Refusals are <c>application/problem+json</c>
/// (RFC 9457) in plain words, and change nothing.
/// <para>
/// It is served by the run's generic host (<see cref="TelemetryHost"/>), the one that carries the
/// meter, the exporters and <c>--metrics-port</c>'s <c>/metrics</c>: a site of its own there, on
/// its own socket, whose connections reach this handler and nothing else (the metrics port's
/// <c>/metrics</c>, which needs no token, is not served on the dashboard's port). Without the run's
/// telemetry (<c>scrape</c> null) it has a host of its own.
/// </para>
/// </remarks>
public sealed class DashboardServer : IRunObserver, IAsyncDisposable, IDisposable
{
    /// <summary>The largest body a change may have: one chaos is a few dozen bytes.</summary>
    public const int BodyLimitBytes = 64 * 1024;

    /// <summary>The host it is served on, once started in the background (<see cref="Start"/>).</summary>
    private Task<TelemetryHost> _host = null!;
    private readonly DashboardFeed _feed;
    private readonly LiveControl? _control;
    private readonly PrometheusScrape? _scrape;
    private readonly DashboardToken _token;
    private readonly DashboardOrigin _origin;
    private readonly IRunObserver? _next;
    private readonly Scenario _scenario;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private DashboardServer(DashboardFeed feed, Scenario scenario, LiveControl? control, PrometheusScrape? scrape, DashboardToken token, DashboardOrigin origin, IRunObserver? next)
    {
        _origin = origin;
        _feed = feed;
        _scenario = scenario;
        _control = control;
        _scrape = scrape;
        _token = token;
        _next = next;
    }

    /// <summary>The page's address, e.g. <c>http://127.0.0.1:8643/</c>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// The page's address with the token, the one to open and to print, as Jupyter prints its own:
    /// <c>http://127.0.0.1:8643/?token=…</c>. The page passes the token on to its API calls.
    /// </summary>
    public Uri PageUrl => new(Url, "/?token=" + Uri.EscapeDataString(_token.Value));

    /// <summary>The token every API call must carry: <see cref="DashboardOptions.Token"/>, or the one drawn for this run.</summary>
    public string Token => _token.Value;

    /// <summary>The port it listens on (the one asked for, or the one the system gave for 0).</summary>
    public int Port => Url.Port;

    /// <summary>How many browsers follow the event stream now.</summary>
    public int Subscribers => _feed.Subscribers;

    /// <summary>
    /// Starts serving the dashboard of a run of <paramref name="scenario"/>. Chaos posted to the
    /// API goes to <paramref name="control"/> (null: the API refuses changes); <c>/metrics</c>
    /// answers from <paramref name="scrape"/> (null: 404), and the dashboard is served by the
    /// run's host that scrape collects on (<see cref="RunTelemetry.Scrape"/>), unless that host is
    /// already under way without it. Samples are passed on to <paramref name="next"/>.
    /// </summary>
    /// <exception cref="DashboardException">The port is in use, or a non-loopback address was asked for without a token.</exception>
    public static DashboardServer Start(Scenario scenario, DashboardOptions options, LiveControl? control, PrometheusScrape? scrape, IRunObserver? next = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.IsLoopback(options.Address) && string.IsNullOrEmpty(options.Token))
            throw new DashboardException($"--dashboard-host {options.Address}: binding to anything but loopback needs --dashboard-token");

        // The socket is bound and listening here, at once: a port in use is the caller's error
        // before anything is written, and the URL is known. The host (Kestrel and ASP.NET Core,
        // 0.1-1.4 s of start-up, mostly JIT) starts in the background on that socket while the run
        // begins; a browser that comes first waits in the listen backlog, it is not refused.
        Socket listener;
        try
        {
            listener = TelemetryHost.Listen(new IPEndPoint(options.Address, options.Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new DashboardException($"--dashboard-host {options.Address}: cannot listen there ({e.Message})", e);
        }
        catch (SocketException e)
        {
            throw new DashboardException(
                $"--port {options.Port}: cannot listen on {options.Address}:{options.Port} ({e.Message}); pick another port, or 0 for any free one", e);
        }
        int bound = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var server = new DashboardServer(new DashboardFeed(scenario, control, options.TimeScale), scenario, control, scrape,
            DashboardToken.GivenOrRandom(options.Token), new DashboardOrigin(options.Address, bound), next);
        server.Url = new Uri($"http://{DashboardOrigin.Format(options.Address, bound)}/");
        var site = new HostedSite(listener, server.HandleAsync);
        if (scrape is not null && scrape.Host.TryJoin(site))
        {
            server._host = scrape.Host.WhenStarted();
        }
        else
        {
            // A host of its own, with nothing but this site: no meter, no exporters, no log.
            server._host = Task.Factory.StartNew(() => TelemetryHost.Start(new HostPlan { Dashboard = site }),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        return server;
    }

    /// <summary>Done when the server has started answering (it listens from <see cref="Start"/> on); faulted if it could not.</summary>
    public Task Started => _host;

    /// <inheritdoc/>
    public void OnSample(LiveSnapshot snapshot)
    {
        _feed.Publish(snapshot);
        _next?.OnSample(snapshot);
    }

    /// <summary>The run is over: the page shows its digest; the server stays up until disposed.</summary>
    public void OnCompleted(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _feed.Complete(report);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Stopped, while the host still serves the run's telemetry for a moment: as a closed port would.
            context.Abort();
            return;
        }
        HttpRequest request = context.Request;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (!_origin.AdmitsHost(request))
        {
            await Problem(context, StatusCodes.Status421MisdirectedRequest,
                $"this dashboard answers to {_origin.Names}, not to the host \"{Quoted(request.Host.Value)}\" this request names");
            return;
        }
        if (!DashboardOrigin.AdmitsOrigin(request))
        {
            await Problem(context, StatusCodes.Status403Forbidden,
                $"a page from {Quoted(request.Headers.Origin.ToString())} may not use this dashboard; only its own page, {Url.GetLeftPart(UriPartial.Authority)}, may");
            return;
        }
        string path = request.Path.Value ?? "/";
        if (path is "/" or "/index.html")
        {
            if (!HttpMethods.IsGet(request.Method)) { await Problem(context, 400, $"unknown request {request.Method} {path}"); return; }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            // Not framed by another site (a click there would be a click here), and its address,
            // token included, is not sent on as a Referer.
            context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await context.Response.Body.WriteAsync(DashboardPage.Html, context.RequestAborted);
            return;
        }
        if (path == "/favicon.ico") { context.Response.StatusCode = 404; return; }
        if (!_token.Admits(request))
        {
            await Problem(context, 401, "this call needs the dashboard's token, as Authorization: Bearer TOKEN or ?token=TOKEN (the URL the command printed carries it)");
            return;
        }
        switch (request.Method, path)
        {
            case ("GET", "/metrics"):
                await Metrics(context);
                return;
            case ("GET", "/api/state"):
                await Json(context, 200, _feed.StateJson());
                return;
            case ("GET", "/api/events"):
                await Events(context);
                return;
            case ("GET", "/api/chaos"):
                await Json(context, 200, _feed.ChaosJson().ToJsonString());
                return;
            case ("POST", "/api/chaos"):
                await PostChaos(context);
                return;
            case ("DELETE", "/api/chaos"):
                await Change(context, () => new JsonArray([.. Array.ConvertAll([.. Control.RemoveAll()], c => JsonSerializer.SerializeToNode(c))]), 200);
                return;
        }
        if (request.Method == "DELETE" && path.StartsWith("/api/chaos/", StringComparison.Ordinal))
        {
            string id = path["/api/chaos/".Length..];
            if (!int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int chaosId))
            {
                await Problem(context, 400, $"\"{Quoted(id)}\" is not a chaos id (a number from GET /api/chaos)");
                return;
            }
            await Change(context, () => JsonSerializer.SerializeToNode(Control.Remove(chaosId)), 200);
            return;
        }
        await Problem(context, 400, $"unknown request {request.Method} {Quoted(path)}; the API is GET /api/state, GET /api/events, GET/POST/DELETE /api/chaos, DELETE /api/chaos/ID, GET /metrics");
    }

    private LiveControl Control => _control ?? throw new LiveControlException("this dashboard has no live control");

    private async Task PostChaos(HttpContext context)
    {
        HttpRequest request = context.Request;
        // Only JSON: a browser sends text/plain, form and multipart bodies to any origin without
        // asking first (CORS-safelisted), application/json only after a preflight this server never grants.
        if (!IsJson(request.ContentType))
        {
            string given = string.IsNullOrEmpty(request.ContentType) ? "none" : $"\"{Quoted(request.ContentType)}\"";
            await Problem(context, StatusCodes.Status415UnsupportedMediaType,
                $"a change must be sent as Content-Type: application/json (charset utf-8 at most); this one was {given}");
            return;
        }
        byte[]? body = await ReadBody(request, context.RequestAborted);
        if (body is null)
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {BodyLimitBytes / 1024} KB; one chaos is a few dozen bytes, {ChaosRequest.Example}");
            return;
        }
        if (!ChaosRequest.TryRead(body, _scenario.Hosts.Servers.Count, out LiveChaos chaos, out var refusal))
        {
            await Problem(context, 400, refusal.Detail, refusal.Field);
            return;
        }
        await Change(context, () => JsonSerializer.SerializeToNode(Control.Apply(chaos)), 201);
    }

    /// <summary>True for <c>application/json</c>, with no parameter but a UTF-8 charset (JSON is UTF-8: RFC 8259 §8.1).</summary>
    private static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)) return false;
        if (!mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var parameter in mediaType.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) return false;
            string charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(parameter.Value).ToString();
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>The body, or null when it is larger than <see cref="BodyLimitBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBody(HttpRequest request, CancellationToken cancel)
    {
        if (request.ContentLength > BodyLimitBytes) return null;
        using var body = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (body.Length + read > BodyLimitBytes) return null;
            body.Write(chunk, 0, read);
        }
        return body.ToArray();
    }

    private static async Task Change(HttpContext context, Func<JsonNode?> change, int status)
    {
        JsonNode? result;
        try
        {
            result = change();
        }
        catch (KeyNotFoundException e)
        {
            await Problem(context, 404, e.Message);
            return;
        }
        catch (LiveControlException e)
        {
            await Problem(context, 409, e.Message);
            return;
        }
        await Json(context, status, result?.ToJsonString() ?? "null");
    }

    /// <summary>
    /// Takes the final scrape (call after the run's histograms are recorded, before the meter
    /// provider is disposed) and serves it from now on: the dashboard outlives the run's meter.
    /// </summary>
    public void FreezeMetrics() => _scrape?.Freeze();

    private async Task Metrics(HttpContext context)
    {
        if (_scrape is null) { await Problem(context, 404, "no metrics in this dashboard"); return; }
        string text = _scrape.Collect();
        context.Response.ContentType = PrometheusScrape.ContentType;
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private async Task Events(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var channel = _feed.Subscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await foreach (string message in channel.Reader.ReadAllAsync(stop.Token))
            {
                await context.Response.WriteAsync(message, stop.Token);
                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser left, or the server is stopping.
        }
        finally
        {
            _feed.Unsubscribe(channel);
        }
    }

    private static Task Json(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Errors are read by people in a terminal: no <c>\u0022</c> for every quote.</summary>
    private static readonly JsonSerializerOptions s_readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A refusal as <c>application/problem+json</c> (RFC 9457): <c>title</c>, <c>status</c>, the
    /// sentence as <c>detail</c>, the field at fault as <c>field</c>, and the same sentence as
    /// <c>error</c>, the member every refusal had before (the page and scripts read it).
    /// </summary>
    private static Task Problem(HttpContext context, int status, string detail, string? field = null)
    {
        var problem = new JsonObject
        {
            ["title"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
        };
        if (field is not null) problem["field"] = field;
        problem["error"] = detail;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        return context.Response.WriteAsync(problem.ToJsonString(s_readable), context.RequestAborted);
    }

    /// <summary>Something the client sent, quoted back in a refusal: one short line, whatever it was.</summary>
    private static string Quoted(string? sent)
    {
        string text = sent ?? "";
        if (text.Length > 60) text = text[..60] + "…";
        return string.Create(text.Length, text, (span, t) =>
        {
            for (int i = 0; i < t.Length; i++) span[i] = char.IsControl(t[i]) ? '?' : t[i];
        });
    }

    /// <summary>
    /// Stops serving: open event streams end, then the host is let go; it stops (and the listener
    /// closes) once the run's telemetry has let it go too.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        _feed.Close();
        TelemetryHost host;
        try
        {
            host = await _host.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // It never started (the caller saw that through Started); there is nothing to stop.
            return;
        }
        await host.ReleaseAsync().ConfigureAwait(false);
    }

    /// <summary>Stops serving.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
