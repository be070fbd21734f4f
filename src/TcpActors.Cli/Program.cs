using TcpActors.Tcp;

// Placeholder entry point until the endpoint lands: lists the built-in profiles.
foreach (var p in TcpProfile.BuiltIn)
{
    Console.WriteLine($"{p.Name}: time_wait={p.TimeWait.TotalSeconds}s syn_retries={p.SynRetries}");
}
return 0;
