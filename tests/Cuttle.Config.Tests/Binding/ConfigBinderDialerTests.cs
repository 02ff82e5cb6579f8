using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>The net.Dialer and Transport settings lura hands to Go as written (transport/http/server NewTransport).</summary>
public sealed class ConfigBinderDialerTests
{
    [Fact]
    public void The_values_are_bound_as_written_and_none_is_warned_about()
    {
        var result = Parse("""{"version": 3, "dialer_keep_alive": "7s", "dialer_fallback_delay": "-1s", "expect_continue_timeout": "250ms"}""");
        var c = result.Config!;
        Assert.Equal(TimeSpan.FromSeconds(7), c.DialerKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(-1), c.DialerFallbackDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), c.ExpectContinueTimeout);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Unset_they_are_zero_which_the_transport_reads_as_gos_defaults()
    {
        var c = Parse("""{"version": 3}""").Config!;
        Assert.Equal(TimeSpan.Zero, c.DialerKeepAlive);
        Assert.Equal(TimeSpan.Zero, c.DialerFallbackDelay);
        Assert.Equal(TimeSpan.Zero, c.ExpectContinueTimeout);
    }
}
