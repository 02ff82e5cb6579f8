using System.CommandLine;
using Cuttle.Commands;

var root = new RootCommand("Cuttle: a KrakenD-compatible API gateway. Serves an existing krakend.json (version 3) unchanged.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(VersionCommand.Create());
return await root.Parse(args).InvokeAsync();
