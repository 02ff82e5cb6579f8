using Cuttle.Commands;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>
/// <c>cuttle audit</c>: krakend-audit's rules on configurations that hit them and ones that do not, in process
/// (<see cref="AuditCommand.Run"/>) and once as the real CLI for the flags.
/// </summary>
public sealed class AuditCommandTests : IDisposable
{
    private const string Ids = "{{ range .Recommendations }}{{.Rule}} {{ end }}";

    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Config(string service = "", string endpoint = "", string backend = "", string endpointPath = "/a", string extraEndpoints = "") => $$"""
        { "version": 3 {{service}},
          "endpoints": [ { "endpoint": "{{endpointPath}}" {{endpoint}},
            "backend": [ { "url_pattern": "/b", "host": ["http://127.0.0.1:19"] {{backend}} } ] } {{extraEndpoints}} ] }
        """;

    private (int Code, HashSet<string> Rules, string Err) Audit(string config, string ignore = "", string severity = "CRITICAL,HIGH,MEDIUM,LOW", string format = Ids, string ignoreFile = "", string name = "krakend.json")
    {
        var path = Write(name, config);
        var err = new StringWriter();
        var code = AuditCommand.Run(path, ignore, severity, ignoreFile, format, err);
        return (code, err.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal), err.ToString());
    }

    /// <summary>Each row: a rule, a configuration fragment that triggers it, and one that does not.</summary>
    public static TheoryData<string, string, string> Rules() => new()
    {
        { "1.1.1", Config(""", "extra_config": {"plugin/http-server": {"name": ["basic-auth"]}}"""), Config(""", "extra_config": {"plugin/http-server": {"name": ["geoip"]}}""") },
        { "1.1.2", Config(""", "extra_config": {"auth/api-keys": {}}"""), Config() },
        { "1.2.1", Config(), Config(endpoint: """, "extra_config": {"auth/validator": {"alg": "RS256", "jwk_url": "http://127.0.0.1:19/jwk"}}""") },
        { "2.1.1", Config(""", "client_tls": {"allow_insecure_connections": true}"""), Config() },
        { "2.1.2", Config(), Config(""", "tls": {"keys": [{"public_key": "a.pem", "private_key": "b.pem"}]}""") },
        { "2.1.3", Config(""", "tls": {"disabled": true}"""), Config(""", "tls": {"disabled": false}""") },
        { "2.1.7", Config(), Config(""", "extra_config": {"security/http": {"frame_deny": true}}""") },
        { "2.1.8", Config(""", "use_h2c": true"""), Config() },
        { "2.1.9", Config(backend: """, "extra_config": {"backend/http/client": {"client_tls": {"allow_insecure_connections": true}}}"""), Config() },
        { "2.2.1", Config(), Config(""", "extra_config": {"router": {"hide_version_header": true}}""") },
        { "2.2.2", Config(), Config(""", "extra_config": {"security/cors": {"allow_origins": ["*"]}}""") },
        { "2.2.3", Config(endpoint: """, "input_headers": ["*"]"""), Config(endpoint: """, "input_headers": ["X-A"]""") },
        { "2.2.4", Config(endpoint: """, "input_query_strings": ["*"]"""), Config(endpoint: """, "input_query_strings": ["q"]""") },
        { "2.2.5", Config(""", "extra_config": {"grpc": {"server": {}}}"""), Config(""", "extra_config": {"grpc": {"server": {"services": [{"name": "s"}]}}}""") },
        { "2.3.1", Config(backend: """, "extra_config": {"qos/http-cache": {"shared": true}}"""), Config(backend: """, "extra_config": {"qos/http-cache": {"max_items": 10, "max_size": 1000}}""") },
        { "3.1.1", Config(), Config(""", "extra_config": {"security/bot-detector": {"deny": ["a"]}}""") },
        { "3.1.2", Config(), Config(endpoint: """, "extra_config": {"qos/ratelimit/router": {"max_rate": 10}}""") },
        { "3.1.3", Config(), Config(backend: """, "extra_config": {"qos/circuit-breaker": {"interval": 60, "timeout": 10, "max_errors": 1}}""") },
        { "3.3.1", Config(""", "timeout": "3001ms" """), Config(""", "timeout": "3s" """) },
        { "3.3.2", Config(endpoint: """, "timeout": "6s" """), Config(endpoint: """, "timeout": "5s" """) },
        { "3.3.3", Config(endpoint: """, "timeout": "31s" """), Config(endpoint: """, "timeout": "30s" """) },
        { "3.3.4", Config(endpoint: """, "timeout": "2m" """), Config(endpoint: """, "timeout": "1m" """) },
        { "4.1.1", Config(), Config(""", "extra_config": {"telemetry/metrics": {}}""") },
        { "4.1.3", Config(""", "extra_config": {"telemetry/metrics": {}, "telemetry/opentelemetry": {"exporters": {"prometheus": [{"name": "p", "port": 9091}]}}}"""), Config(""", "extra_config": {"telemetry/metrics": {}}""") },
        { "4.2.1", Config(), Config(""", "extra_config": {"telemetry/opentelemetry": {"exporters": {"otlp": [{"name": "o", "host": "localhost", "disable_metrics": true}]}}}""") },
        { "4.3.1", Config(), Config(""", "extra_config": {"telemetry/logging": {"level": "INFO"}}""") },
        { "5.1.1", Config(""", "disable_rest": true"""), Config() },
        { "5.1.2", Config(""", "debug_endpoint": true"""), Config() },
        { "5.1.3", Config(""", "echo_endpoint": true"""), Config() },
        { "5.1.4", Config(endpointPath: "/a/*"), Config() },
        { "5.1.5", Config(endpointPath: "/__catchall"), Config() },
        { "5.1.7", Config(endpoint: """, "extra_config": {"proxy": {"sequential": true}}"""), Config(endpoint: """, "extra_config": {"proxy": {"sequential": false}}""") },
        { "5.2.2", Config(), Config(extraEndpoints: """, { "endpoint": "/m", "backend": [ { "url_pattern": "/1", "host": ["http://127.0.0.1:19"] }, { "url_pattern": "/2", "host": ["http://127.0.0.1:19"] } ] }""") },
        { "5.2.3", Config(endpoint: """, "output_encoding": "no-op" """, backend: """, "encoding": "no-op" """), Config() },
        { "7.1.4", Config(""", "extra_config": {"plugin/http-server": {"name": "wildcard"}}"""), Config() },
        { "7.2.3", Config(""", "extra_config": {"telemetry/opencensus": {"exporters": {"jaeger": {}}}}"""), Config(""", "extra_config": {"telemetry/opencensus": {}}""") },
        { "7.2.4", Config(""", "extra_config": {"telemetry/influx": {}}"""), Config() },
        { "7.3.1", Config(""", "tls": {"public_key": "a.pem", "private_key": "b.pem"}"""), Config(""", "tls": {"keys": [{"public_key": "a.pem", "private_key": "b.pem"}]}""") },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_rule_fires_on_the_configuration_that_breaks_it_and_not_on_the_one_that_follows_it(string rule, string hit, string miss)
    {
        var (hitCode, hitRules, hitErr) = Audit(hit);
        var (_, missRules, missErr) = Audit(miss);

        Assert.Equal(1, hitCode);
        Assert.True(hitRules.Contains(rule), $"{rule} expected in: {hitErr}");
        Assert.False(missRules.Contains(rule), $"{rule} not expected in: {missErr}");
    }

    [Fact]
    public void Default_format_prints_krakend_audits_lines_to_stderr()
    {
        var (code, _, err) = Audit(Config(), format: "");

        Assert.Equal(1, code);
        Assert.Contains("1.2.1\t[HIGH]   \tPrioritize using JWT for endpoint authorization to ensure security.\n", err, StringComparison.Ordinal);
        Assert.Contains("2.2.1\t[MEDIUM]   \tHide the version banner in runtime.\n", err, StringComparison.Ordinal);
        Assert.Contains("3.1.1\t[LOW]   \tEnable a bot detector.\n", err, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignore_and_severity_filter_rules_and_no_recommendation_exits_zero()
    {
        var (_, all, _) = Audit(Config());
        var (_, ignored, _) = Audit(Config(), ignore: "1.2.1, 2.2.1");
        var (_, high, _) = Audit(Config(), severity: "HIGH");
        var ignoreFile = Write("ignore.txt", "3.1.1\n2.1.2\n");
        var (_, fromFile, _) = Audit(Config(), ignoreFile: ignoreFile);
        var (code, none, err) = Audit(Config(), severity: "CRITICAL");

        Assert.Contains("1.2.1", all);
        Assert.DoesNotContain("1.2.1", ignored);
        Assert.DoesNotContain("2.2.1", ignored);
        Assert.Contains("2.1.2", ignored);
        Assert.All(high, r => Assert.Contains(r, new[] { "1.2.1", "2.1.2", "2.1.7", "2.2.2", "3.1.2", "3.1.3" }));
        Assert.DoesNotContain("3.1.1", fromFile);
        Assert.DoesNotContain("2.1.2", fromFile);
        Assert.Equal((0, 0, ""), (code, none.Count, err));
    }

    [Fact]
    public void Format_is_a_go_template_over_the_result()
    {
        var (_, _, err) = Audit(Config(), severity: "LOW", format: "{{ len .Recommendations }} {{ range $i, $r := .Recommendations }}{{ if $i }},{{ end }}{{ $r.Rule }}={{ colored $r.Severity }}{{ end }}");
        Assert.Equal("2 3.1.1=\u001b[32;1mLOW\u001b[0m,5.2.2=\u001b[32;1mLOW\u001b[0m", err);
    }

    [Fact]
    public void A_yaml_configuration_is_audited_like_its_json_twin()
    {
        var (_, fromJson, _) = Audit(Config(""", "use_h2c": true, "extra_config": {"security/cors": {}}"""));
        var (_, fromYaml, _) = Audit("version: 3\nuse_h2c: true\nextra_config:\n  security/cors: {}\nendpoints:\n  - endpoint: /a\n    backend:\n      - url_pattern: /b\n        host: [\"http://127.0.0.1:19\"]\n", name: "krakend.yaml");
        Assert.Equal(fromJson.Order(StringComparer.Ordinal), fromYaml.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_cli_takes_krakends_flags()
    {
        Write("krakend.json", Config());
        var (code, _, err) = await CuttleCli.RunAsync(_dir, null, "audit", "-i", "2.1.2,1.2.1", "-s", "HIGH,CRITICAL", "-f", Ids);
        var (clean, _, cleanErr) = await CuttleCli.RunAsync(_dir, null, "audit", "-c", "krakend.json", "--severity", "CRITICAL");

        Assert.Equal(1, code);
        Assert.Equal(["2.1.7", "2.2.2", "3.1.2", "3.1.3"], err.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal((0, ""), (clean, cleanErr));
    }
}
