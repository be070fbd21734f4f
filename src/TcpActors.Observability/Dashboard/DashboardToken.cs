using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TcpActors.Observability.Dashboard;

/// <summary>
/// The shared secret every API call and <c>/metrics</c> must carry: the one given with
/// <c>--dashboard-token</c>, or one drawn at random for the run (shown in the printed URL, as
/// Jupyter does), so that no other user or program on the machine can steer a run it was not shown.
/// Compared in constant time so the answer's timing does not leak how much of a guess was right.
/// </summary>
internal sealed class DashboardToken
{
    /// <summary>Bytes of randomness in a drawn token: 192 bits, written as 48 hex digits.</summary>
    private const int RandomBytes = 24;

    private readonly byte[] _expected;

    private DashboardToken(string value)
    {
        Value = value;
        _expected = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The token as the page's address carries it (<c>?token=</c>).</summary>
    public string Value { get; }

    /// <summary>The given token, or a fresh random one when none is given.</summary>
    public static DashboardToken GivenOrRandom(string? given) =>
        new(string.IsNullOrEmpty(given) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes)) : given);

    /// <summary>True when the request carries the token, as <c>Authorization: Bearer TOKEN</c> or <c>?token=TOKEN</c>.</summary>
    public bool Admits(HttpRequest request)
    {
        string? given = Bearer(request.Headers.Authorization.ToString());
        if (given is null && request.Query.TryGetValue("token", out var query)) given = query.ToString();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _expected);
    }

    /// <summary>The credentials of a Bearer authorization, the scheme in any case (RFC 9110 §11.1: schemes are case-insensitive).</summary>
    private static string? Bearer(string authorization)
    {
        const string Scheme = "Bearer";
        string value = authorization.Trim();
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ') return null;
        return value[(Scheme.Length + 1)..].Trim();
    }
}
