using System.CommandLine;
using Cuttle.Commands;

var root = new RootCommand("Cuttle: a KrakenD-compatible API gateway. Serves an existing krakend.json (version 3) unchanged.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(VersionCommand.Create());
// No @response-file expansion: `cuttle watch -- cmd @arg` must pass "@arg" through untouched, as reflex does.
return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync();
