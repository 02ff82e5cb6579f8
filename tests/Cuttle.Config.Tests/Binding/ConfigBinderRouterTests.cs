using Cuttle.Config.Diagnostics;
using static Cuttle.Config.Tests.TestConfig;

namespace Cuttle.Config.Tests.Binding;

/// <summary>The router's client-IP options as lura hands them to gin (router/gin engine.go).</summary>
public sealed class ConfigBinderRouterTests
{
    [Fact]
    public void Without_the_options_gins_defaults_apply()
    {
        var r = Parse("""{"version": 3, "extra_config": {"router": {"return_error_msg": true}}}""").Config!.Router;
        Assert.True(r.ForwardedByClientIp);
        Assert.Equal(["X-Forwarded-For", "X-Real-Ip"], r.RemoteIpHeaders.ToArray());
        Assert.Null(r.TrustedProxies);
        Assert.False(r.AppEngine);
    }

    [Fact]
    public void Headers_are_canonical_and_an_empty_list_keeps_gins()
    {
        var r = Parse("""{"version": 3, "extra_config": {"router": {"remote_ip_headers": ["cf-connecting-ip", "x-client-ip"], "forwarded_by_client_ip": false}}}""").Config!.Router;
        Assert.Equal(["Cf-Connecting-Ip", "X-Client-Ip"], r.RemoteIpHeaders.ToArray());
        Assert.False(r.ForwardedByClientIp);
        var empty = Parse("""{"version": 3, "extra_config": {"router": {"remote_ip_headers": [], "trusted_proxies": []}}}""").Config!.Router;
        Assert.Equal(["X-Forwarded-For", "X-Real-Ip"], empty.RemoteIpHeaders.ToArray());
        Assert.Null(empty.TrustedProxies);
    }

    [Fact]
    public void A_trusted_proxy_gin_cannot_parse_ends_the_list_with_a_warning()
    {
        var result = Parse("""
        {"version": 3, "extra_config": {"router": {"trusted_proxies": ["10.0.0.0/8", "::1", "10.0.0.300", "192.168.0.1"]}}}
        """);
        Assert.Equal(["10.0.0.0/8", "::1"], result.Config!.Router.TrustedProxies!.Value.ToArray());
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("\"10.0.0.300\" is not an IP address or CIDR", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_service_settings_are_named_at_their_position()
    {
        // The timeouts and dialer settings are applied (listener deadlines, backend dialer): only plugin is named.
        var result = Parse("{\"version\": 3,\n \"write_timeout\": \"2s\",\n \"dialer_keep_alive\": \"30s\",\n \"read_timeout\": \"5s\",\n \"plugin\": {\"pattern\": \".so\", \"folder\": \"./plugins/\"}}");
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        AssertAt(warning, 5, 2, "plugin");
        Assert.Equal(TimeSpan.FromSeconds(2), result.Config!.WriteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Config!.ReadTimeout);
    }
}
