namespace TcpActors.Observability.Dashboard;

/// <summary>The dashboard's one page, embedded in the assembly (<c>wwwroot/index.html</c>): no CDN, no other file.</summary>
internal static class DashboardPage
{
    /// <summary>The page's bytes (UTF-8).</summary>
    public static ReadOnlyMemory<byte> Html { get; } = Load();

    private static byte[] Load()
    {
        using Stream stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("TcpActors.Dashboard.index.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
