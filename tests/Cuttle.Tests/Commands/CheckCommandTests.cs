using Cuttle.Tests.Support;

namespace Cuttle.Tests.Commands;

/// <summary>Runs the real built <c>cuttle</c> (cuttle.dll in the test output) as a child process.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private const string Valid = """
        {
          "version": 3,
          "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/b", "host": ["http://127.0.0.1:19"]}]}]
        }
        """;

    private const string Invalid = "{\n  \"version\": 3,\n  \"timeout\": \"3 seconds\"\n}";

    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private Task<(int Code, string Out, string Err)> Cuttle(IReadOnlyDictionary<string, string>? env, params string[] args) =>
        CuttleCli.RunAsync(_dir, env, args);

    [Fact]
    public async Task Check_ValidFile_PrintsSyntaxOkAndExitsZero()
    {
        var path = Write("gateway.json", Valid);
        var (code, stdout, stderr) = await Cuttle(null, "check", "-c", path);

        Assert.Equal(0, code);
        Assert.Contains($"Parsing configuration file: {path}", stdout, StringComparison.Ordinal);
        Assert.EndsWith("Syntax OK!", stdout.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Check_InvalidFile_PrintsPositionedErrorAndExitsOne()
    {
        Write("bad.json", Invalid);
        var (code, _, stderr) = await Cuttle(null, "check", "--config", "bad.json");

        Assert.Equal(1, code);
        Assert.Contains("bad.json:3:14: error: invalid duration \"3 seconds\" for \"timeout\"", stderr, StringComparison.Ordinal);
        Assert.Contains("(at timeout)", stderr, StringComparison.Ordinal);
        Assert.Contains("ERROR parsing the configuration file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BadTelemetryLogging_PrintsEachErrorWithItsPosition()
    {
        Write("log.json", "{\n  \"version\": 3,\n  \"extra_config\": {\n    \"telemetry/logging\": {\"level\": \"LOUD\", \"format\": \"custom\", \"custom_format\": \"%{nope}\"},\n    \"telemetry/gelf\": {\"address\": \"graylog\"}\n  }\n}");
        var (code, _, stderr) = await Cuttle(null, "check", "--config", "log.json");

        Assert.Equal(1, code);
        Assert.Contains("log.json:4:36: error: \"telemetry/logging.level\": unknown level \"LOUD\"", stderr, StringComparison.Ordinal);
        Assert.Contains("log.json:4:81: error: \"telemetry/logging.custom_format\": logger: unknown variable: nope", stderr, StringComparison.Ordinal);
        Assert.Contains("log.json:5:35: error: \"telemetry/gelf.address\": cannot parse \"graylog\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TlsFilesThatCannotBeServed_NameTheFileAtTheNodeWithoutAStackTrace()
    {
        using var ca = global::Cuttle.Testing.TestCertificateAuthority.Create();
        using var server = ca.IssueServer("localhost");
        using var other = ca.IssueServer("other");
        var (cert, _) = server.WriteTo(_dir);
        var wrongKey = Write("wrong.key", other.KeyPem);
        var notPem = Write("not.pem", "hello\n");
        Write("tls.json", $$"""
            {
              "version": 3,
              "tls": {
                "keys": [{"public_key": "{{notPem}}", "private_key": "{{wrongKey}}"}],
                "public_key": "{{cert}}", "private_key": "{{wrongKey}}",
                "min_version": "TLS1.2", "cipher_suites": ["RC4_FOREVER"]
              }
            }
            """);
        var (code, _, stderr) = await Cuttle(null, "check", "--config", "tls.json");

        Assert.Equal(1, code);
        Assert.Contains($"tls.json:4:29: error: the certificate file {notPem} holds no PEM certificate", stderr, StringComparison.Ordinal);
        Assert.Contains($"error: the private key in {wrongKey} does not match the certificate in {cert}", stderr, StringComparison.Ordinal);
        Assert.Contains("tls.json:6:20: error: unknown tls.min_version \"TLS1.2\"", stderr, StringComparison.Ordinal);
        Assert.Contains("error: unknown cipher suite \"RC4_FOREVER\"", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAMissingKeyFile_RefusesToStartNamingTheFile()
    {
        var missing = Path.Combine(_dir, "gone.key");
        Write("run.json", $$$"""{"version": 3, "port": 0, "tls": {"public_key": "{{{missing}}}.crt", "private_key": "{{{missing}}}"}}""");
        var (code, _, stderr) = await Cuttle(null, "run", "--config", "run.json");

        Assert.Equal(3, code);
        Assert.Contains($"ERROR starting the gateway: cannot read the certificate file {missing}.crt", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MissingFile_IsAUsageErrorExitTwo()
    {
        var (code, _, stderr) = await Cuttle(null, "check", "-c", "nope.json");
        Assert.Equal(2, code);
        Assert.Contains("nope.json: error: configuration file not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NoConfigAnywhere_IsAUsageErrorExitTwo()
    {
        var (code, _, stderr) = await Cuttle(null, "check");
        Assert.Equal(2, code);
        Assert.Contains("--config", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutFlag_UsesKrakendJsonInTheCurrentDirectory()
    {
        Write("krakend.json", Valid);
        var (code, stdout, _) = await Cuttle(new Dictionary<string, string> { ["KRAKEND_CONFIG"] = "elsewhere.json" }, "check");
        Assert.Equal(0, code);
        Assert.Contains("Parsing configuration file: krakend.json", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithoutFlagOrLocalFile_UsesKrakendConfigVariable()
    {
        var path = Write("from-env.json", Valid);
        var (code, stdout, _) = await Cuttle(new Dictionary<string, string> { ["KRAKEND_CONFIG"] = path }, "check");
        Assert.Equal(0, code);
        Assert.Contains($"Parsing configuration file: {path}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Lint_WarnsAboutUnknownFieldsButStaysValid()
    {
        Write("krakend.json", "{\"version\": 3,\n \"prot\": 8080}");
        var (code, stdout, stderr) = await Cuttle(null, "validate", "--lint");
        Assert.Equal(0, code);
        Assert.Contains("krakend.json:2:2: warning: unknown field \"prot\"", stderr, StringComparison.Ordinal);
        Assert.Contains("Syntax OK!", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Debug_PrintsTheParsedEndpoints()
    {
        Write("krakend.json", Valid);
        var (code, stdout, _) = await Cuttle(null, "check", "-d");
        Assert.Equal(0, code);
        // krakend-cobra's dumper: the endpoint, its timeout, then each backend with its hosts.
        Assert.Contains("\t- GET /a\n\tTimeout: 2s\n", stdout, StringComparison.Ordinal);
        Assert.Contains("\t\t[+] GET /b\n\t\tTimeout: 2s\n\t\tHosts: [http://127.0.0.1:19]\n", stdout, StringComparison.Ordinal);
    }
}
