using System.Globalization;
using System.Net;
using System.Text;
using static TcpActors.Observability.Tests.Dashboard.ControlApiTests;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// What the API refuses before it reads a change, each check alone (the request carries the token,
/// so only the check under test can refuse it): a foreign Host (DNS rebinding), a foreign Origin,
/// a body that is not JSON by its Content-Type, a body beyond 64 KB. Nothing refused is applied.
/// </summary>
public sealed class ControlApiGuardTests
{
    private static readonly TimeSpan HoldAt = TimeSpan.FromSeconds(5);
    private const string Partition = """{"kind":"partition"}""";

    private static string Port(DashboardRun run) => run.Server.Port.ToString(CultureInfo.InvariantCulture);

    private static HttpRequestMessage Post(string body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, "/api/chaos") { Content = content };
    }

    [Theory]
    [InlineData("evil.example:{port}")]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1:1")]
    [InlineData("10.0.0.1:{port}")]
    public async Task A_request_naming_another_host_is_a_421_for_the_api_and_the_page_alike(string host)
    {
        // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 is, to the
        // browser, its own origin; only the Host header it sends tells it apart.
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        string named = host.Replace("{port}", Port(run), StringComparison.Ordinal);

        using var post = Post(Partition);
        post.Headers.Host = named;
        var problem = await Problem(await run.Client.SendAsync(post), 421);
        Assert.Contains($"127.0.0.1:{Port(run)}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (string path in (string[])["/api/state", "/", "/api/events"])
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, path);
            get.Headers.Host = named;
            await Problem(await run.Client.SendAsync(get), 421);
        }

        Assert.Empty(run.Control.Changes);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("LocalHost:{port}")]
    [InlineData("[::1]:{port}")]
    public async Task A_loopback_dashboard_answers_to_its_address_and_to_localhost(string host)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var post = Post(Partition);
        post.Headers.Host = host.Replace("{port}", Port(run), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Created, (await run.Client.SendAsync(post)).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://localhost:{port}")]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    public async Task A_request_from_a_page_of_another_origin_is_a_403_even_with_the_token(string origin)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var post = Post(Partition);
        post.Headers.Add("Origin", origin.Replace("{port}", Port(run), StringComparison.Ordinal));

        await Problem(await run.Client.SendAsync(post), 403);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/chaos");
        delete.Headers.Add("Origin", origin.Replace("{port}", Port(run), StringComparison.Ordinal));
        await Problem(await run.Client.SendAsync(delete), 403);

        Assert.Empty(run.Control.Changes);
    }

    [Fact]
    public async Task A_request_from_the_dashboards_own_page_passes_the_origin_check()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var byAddress = Post(Partition);
        byAddress.Headers.Add("Origin", $"http://127.0.0.1:{Port(run)}");
        Assert.Equal(HttpStatusCode.Created, (await run.Client.SendAsync(byAddress)).StatusCode);

        // Opened as localhost: the page's origin and the Host it sends agree.
        using var byName = new HttpRequestMessage(HttpMethod.Delete, "/api/chaos");
        byName.Headers.Host = $"localhost:{Port(run)}";
        byName.Headers.Add("Origin", $"http://localhost:{Port(run)}");
        Assert.Equal(HttpStatusCode.OK, (await run.Client.SendAsync(byName)).StatusCode);
        Assert.Equal(2, run.Control.Changes.Count);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/jsonx")]
    [InlineData("")]
    public async Task A_change_whose_content_type_is_not_json_is_a_415_and_not_applied(string contentType)
    {
        // text/plain, forms and multipart are what a page of any origin may send without asking first.
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var post = Post(Partition, contentType);
        if (contentType.Length == 0) post.Content!.Headers.ContentType = null;

        var problem = await Problem(await run.Client.SendAsync(post), 415);

        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(run.Control.Changes);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=\"UTF-8\"")]
    public async Task A_change_sent_as_json_is_applied(string contentType)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var post = Post(Partition, contentType);

        Assert.Equal(HttpStatusCode.Created, (await run.Client.SendAsync(post)).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_beyond_64_KB_is_a_413_and_not_applied_whether_its_length_is_told_or_chunked(bool chunked)
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        // A valid change padded with whitespace: only its size is wrong.
        using var post = Post(Partition + new string(' ', 64 * 1024));
        if (chunked) post.Headers.TransferEncodingChunked = true;

        await Problem(await run.Client.SendAsync(post), 413);

        Assert.Empty(run.Control.Changes);
    }

    [Fact]
    public async Task A_body_of_exactly_64_KB_is_read()
    {
        await using var run = new DashboardRun(SmallStorm.Scenario(), HoldAt);
        using var post = Post(Partition + new string(' ', 64 * 1024 - Partition.Length));

        Assert.Equal(HttpStatusCode.Created, (await run.Client.SendAsync(post)).StatusCode);
    }
}
