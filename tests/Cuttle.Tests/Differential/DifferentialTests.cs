using Cuttle.Tests.Support;
using Xunit.Abstractions;

namespace Cuttle.Tests.Differential;

/// <summary>
/// The bounded differential campaign that runs in CI: every hand-written hostile script, then a seeded random
/// campaign, through the gateway's no-op and json endpoints and through Go's net/http straight at the same backend.
/// A desync fails the test whatever the reference; a divergence the allow-list does not explain fails it too when
/// the reference is Go. Without Go the reference falls back to SocketsHttpHandler, whose divergences are printed but
/// not judged (the allow-list describes Go). The long campaign: bench/differential/run.
/// </summary>
// Alone: a campaign judges a 1 s endpoint timeout against Go's, and other test classes competing for two cores stretch
// 30 ms scripts past it (such exchanges are inconclusive, and too many of them fail the test).
[Collection(nameof(ProcessWideMeasurements))]
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private static readonly CampaignOptions Options = new() { Concurrency = 48, EndpointTimeout = TimeSpan.FromSeconds(1), Seed = 20261207 };

    [Fact]
    public async Task Hand_written_hostile_answers_reach_gateway_clients_as_they_reach_Go_and_never_cross()
    {
        await using var campaign = await Campaign.StartAsync(Options);
        // Each script three times in one batch, so answers meet connections other scripts left behind.
        var scripts = HandWrittenScripts.All.Concat(HandWrittenScripts.All).Concat(HandWrittenScripts.All).ToList();
        await campaign.RunAsync(scripts);
        Judge(campaign);
    }

    [Fact]
    public async Task A_seeded_random_campaign_reaches_gateway_clients_as_it_reaches_Go_and_never_crosses()
    {
        await using var campaign = await Campaign.StartAsync(Options);
        var generator = new ScriptGenerator(Options.Seed);
        for (var batch = 0; batch < 3; batch++) await campaign.RunAsync(generator.Next(1000));
        Judge(campaign);
    }

    private void Judge(Campaign campaign)
    {
        output.WriteLine($"reference: {campaign.Reference.Name}{(campaign.FallbackReason.Length > 0 ? " (Go unavailable: " + campaign.FallbackReason + ")" : "")}");
        output.WriteLine(campaign.Report.Summary());
        Assert.Equal(0, campaign.Report.Desyncs);
        if (campaign.Reference is GoReferenceClient) Assert.Equal(0, campaign.Report.Unexplained);
        // A busy machine may leave a few exchanges unjudged; more than 2% means the campaign judged too little.
        Assert.True(campaign.Report.Inconclusive * 50 <= campaign.Report.Exchanges,
            $"{campaign.Report.Inconclusive} of {campaign.Report.Exchanges} exchanges inconclusive");
    }
}
