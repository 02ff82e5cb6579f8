using Cuttle.Gateway.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Cuttle.Gateway.Tests.Auth;

public sealed class RevocationListTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("default")]
    [InlineData("optimal")]
    public void A_revocation_lasts_between_one_and_two_ttl_periods(string hash)
    {
        var list = new RevocationList(1000, 0.001, hash, TimeSpan.FromSeconds(60), ["jti"], _time);
        _time.Advance(TimeSpan.FromSeconds(30));
        list.Add("jti-abc");
        Assert.True(list.Check("jti-abc"));
        Assert.False(list.Check("jti-abd"));

        // First slide (t = 60s): current becomes previous, still found.
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(list.Check("jti-abc"));
        // Second slide (t = 120s): the next filter it was also added to is now current.
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(list.Check("jti-abc"));
        // Third slide (t = 180s): gone.
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(list.Check("jti-abc"));
    }

    [Fact]
    public void False_positives_stay_near_p()
    {
        var list = new RevocationList(1000, 0.01, "default", TimeSpan.FromHours(1), ["jti"], _time);
        for (var i = 0; i < 1000; i++) list.Add("jti-" + i);
        var falsePositives = 0;
        for (var i = 1000; i < 11000; i++) if (list.Check("jti-" + i)) falsePositives++;
        Assert.InRange(falsePositives, 0, 300); // 1% of 10000 is 100; the default hashers cap k at five
    }
}
