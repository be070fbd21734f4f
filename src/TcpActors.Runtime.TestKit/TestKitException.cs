namespace TcpActors.Runtime.TestKit;

/// <summary>Thrown when a TestKit expectation fails; any test framework reports it as a failure.</summary>
public sealed class TestKitException : Exception
{
    /// <summary>Creates the exception with the failed expectation's description.</summary>
    public TestKitException(string message) : base(message) { }
}
