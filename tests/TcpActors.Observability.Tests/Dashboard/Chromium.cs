using Microsoft.Playwright;
using TcpActors.Tests;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// Headless Chromium from the Debian package, driven by Playwright .NET (whose own browser
/// download does not work on this project's machines), with a fresh profile per test and
/// nothing that phones home.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Chromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <summary>Starts Chromium; <paramref name="extraArgs"/> are added to its command line (e.g. <c>--host-resolver-rules</c>).</summary>
    public static async Task<Chromium> LaunchAsync(params string[] extraArgs)
    {
        RequiredProgram.Find(ExecutablePath);
        string profile = Path.Combine(Path.GetTempPath(), "tcpactors-chromium-" + Guid.NewGuid().ToString("N"));
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", .. extraArgs],
                Timeout = 60_000,
            });
            return new Chromium(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async Task<IPage> OpenAsync(Uri url)
    {
        IPage page = Context.Pages.Count > 0 ? Context.Pages[0] : await Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(url.ToString());
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of a lock file; a temp directory left behind harms nothing.
        }
    }
}
