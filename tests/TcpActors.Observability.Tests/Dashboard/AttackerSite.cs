using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpActors.Observability.Tests.Dashboard;

/// <summary>
/// A web site on another loopback port that serves one page, the attacker's: to the browser it is
/// another origin than the dashboard (same host, another port), as any site the user has open is.
/// The least HTTP/1.1 that a browser takes: every GET of <c>/</c> gets the page, anything else 404,
/// and the connection closes.
/// </summary>
internal sealed class AttackerSite : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _page;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public AttackerSite(string html)
    {
        _page = Encoding.UTF8.GetBytes(html);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                bool page = head.ToString().StartsWith("GET / ", StringComparison.Ordinal);
                byte[] body = page ? _page : "not here"u8.ToArray();
                string status = page ? "200 OK" : "404 Not Found";
                string type = page ? "text/html; charset=utf-8" : "text/plain";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The browser left; an attacker's site owes it nothing.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
