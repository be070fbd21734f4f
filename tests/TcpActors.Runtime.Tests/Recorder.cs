namespace TcpActors.Runtime.Tests;

/// <summary>Records every int and string it receives with the virtual time of arrival.</summary>
internal sealed class Recorder : Actor, IReceive<int>, IReceive<string>
{
    public List<(TimeSpan At, object Message)> Log { get; } = new();

    public void Receive(int message) => Log.Add((Now, message));

    public void Receive(string message) => Log.Add((Now, message));

    public List<object> Messages => Log.ConvertAll(entry => entry.Message);
}
