using System.CommandLine;
using Cuttle.Commands;

// Minimal entry point for the config branch: only `check` is wired here; the full CLI lives on main.
var root = new RootCommand("Cuttle: a KrakenD-compatible API gateway");
root.Subcommands.Add(CheckCommand.Create());
return root.Parse(args).Invoke();
