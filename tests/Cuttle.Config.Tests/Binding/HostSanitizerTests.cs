using Cuttle.Config.Binding;

namespace Cuttle.Config.Tests.Binding;

public sealed class HostSanitizerTests
{
    [Theory]
    [InlineData("http://showrss.info/", "http://showrss.info")]
    [InlineData("localhost:8080", "http://localhost:8080")]
    [InlineData("https://api.example.com", "https://api.example.com")]
    [InlineData("http://127.0.0.1:8081", "http://127.0.0.1:8081")]
    [InlineData("backend_1", "http://backend_1")]
    public void TryClean_ValidHost_AddsSchemeAndDropsSlash(string host, string expected)
    {
        Assert.True(HostSanitizer.TryClean(host, out var cleaned));
        Assert.Equal(expected, cleaned);
    }

    [Theory]
    [InlineData("http://h/api")]
    [InlineData("https://user@host")]
    [InlineData("http://127.0.0.1:9")] // KrakenD's regex wants a 2-6 digit port
    [InlineData("")]
    public void TryClean_HostWithPathOrJunk_Fails(string host)
    {
        Assert.False(HostSanitizer.TryClean(host, out _));
    }
}
