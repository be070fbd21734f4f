using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// The shared secret of a dashboard bound beyond loopback, checked on every API call. Compared
/// in constant time so the answer's timing does not leak how much of a guess was right.
/// </summary>
internal sealed class DashboardToken(string? token)
{
    private readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>True when no token is needed, or the request carries the right one.</summary>
    public bool Admits(HttpRequest request)
    {
        if (_expected is null) return true;
        string? given = null;
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal)) given = authorization["Bearer ".Length..].Trim();
        else if (request.Query.TryGetValue("token", out var query)) given = query.ToString();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _expected);
    }
}
