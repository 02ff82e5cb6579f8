using System.Diagnostics;
using System.Globalization;
using Cuttle.Tests.Differential;

// The long differential campaign: every hand-written script, then seeded random scripts in batches, each through
// Cuttle's no-op and json endpoints (two exchanges per script) and through the reference client (Go's net/http).
// Prints the counts: exchanges, desyncs, divergences by allow-list reason, unexplained divergences. Exit code 1 when
// there is a desync or an unexplained divergence.
var inv = CultureInfo.InvariantCulture;
var exchanges = LongArg("--exchanges", 1_000_000);
var seed = (int)LongArg("--seed", 1);
var concurrency = (int)LongArg("--concurrency", 64);
var batch = (int)LongArg("--batch", 2000);
var stdout = Console.Out;
// The gateway logs every failed backend call to the console; a campaign makes hundreds of thousands of them.
Console.SetOut(TextWriter.Null);

var options = new CampaignOptions { Concurrency = concurrency, EndpointTimeout = TimeSpan.FromSeconds(1), Seed = seed, SamplesPerKind = 5 };
await using var campaign = await Campaign.StartAsync(options);
stdout.WriteLine($"reference: {campaign.Reference.Name}{(campaign.FallbackReason.Length > 0 ? " (Go unavailable: " + campaign.FallbackReason + ")" : "")}; seed {seed}; concurrency {concurrency}; target {exchanges} exchanges");
var clock = Stopwatch.StartNew();
await campaign.RunAsync(HandWrittenScripts.All);
var generator = new ScriptGenerator(seed);
while (campaign.Report.Exchanges < exchanges)
{
    var scripts = (int)Math.Min(batch, (exchanges - campaign.Report.Exchanges + 1) / 2);
    await campaign.RunAsync(generator.Next(Math.Max(1, scripts)));
    var r = campaign.Report;
    stdout.WriteLine(string.Create(inv, $"{clock.Elapsed:hh\\:mm\\:ss} exchanges {r.Exchanges} ({r.Exchanges / clock.Elapsed.TotalSeconds:0}/s) desyncs {r.Desyncs} unexplained {r.Unexplained} explained {r.Explained} reference-defects {r.ReferenceDefects} reference-desyncs {r.ReferenceDesyncs} inconclusive {r.Inconclusive}"));
    stdout.Flush();
}
stdout.WriteLine(string.Create(inv, $"done in {clock.Elapsed:hh\\:mm\\:ss} ({campaign.Report.Exchanges / clock.Elapsed.TotalSeconds:0} exchanges/s); backend connections {campaign.Backend.Connections}, late bytes written {campaign.Backend.LateWritten}, skipped (connection already reused) {campaign.Backend.LateSkipped}"));
stdout.WriteLine(campaign.Report.Summary());
return campaign.Report.Desyncs == 0 && campaign.Report.Unexplained == 0 ? 0 : 1;

long LongArg(string name, long fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], inv) : fallback;
}
