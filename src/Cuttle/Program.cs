using System.CommandLine;
using Cuttle.Commands;

// Minimal entry point wiring only `watch` (the watch branch); the lead's Program.cs replaces this.
var root = new RootCommand("Cuttle: a KrakenD-compatible API gateway") { WatchCommand.Create() };
return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync();
