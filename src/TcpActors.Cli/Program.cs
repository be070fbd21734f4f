using TcpActors.Cli;

return TcpActorsCommand.Invoke(args, Console.Out, Console.Error);
