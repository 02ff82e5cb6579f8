using System.Text.RegularExpressions;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// The fixtures hard-code the gateway at :8080 and the mock at :8081 (in krakend.json, in spec URLs and in expected
/// bodies). Tests run on ephemeral ports, so every copy is rewritten with the same substitution on both sides.
/// </summary>
internal static partial class FixturePorts
{
    public static string Rewrite(string text, int gatewayPort, int backendPort)
    {
        text = text
            .Replace("localhost:8080", $"localhost:{gatewayPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:8080", $"127.0.0.1:{gatewayPort}", StringComparison.Ordinal)
            .Replace("localhost:8081", $"localhost:{backendPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:8081", $"127.0.0.1:{backendPort}", StringComparison.Ordinal);
        return PortField().Replace(text, m => m.Groups[1].Value + gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("(\"port\"\\s*:\\s*)8080\\b")]
    private static partial Regex PortField();
}
