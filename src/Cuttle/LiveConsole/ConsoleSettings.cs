using System.Globalization;
using Cuttle.Config.Model;

namespace Cuttle.LiveConsole;

/// <summary>
/// The console's effective settings for one configuration: `run --console ADDR` wins over the file's listen_address
/// (the credentials still come from the file's "cuttle/console" block); neither: no console.
/// </summary>
internal sealed record ConsoleSettings(string Address, string Host, int Port, string? BasicUser, string? BasicPasswordEnv, string? TokenEnv)
{
    public static ConsoleSettings? For(GatewayConfig config, string? cliAddress)
    {
        var file = config.Console;
        if (cliAddress is null)
        {
            return file is null ? null
                : new ConsoleSettings(file.ListenAddress, file.ListenHost, file.ListenPort, file.BasicAuthUser, file.BasicAuthPasswordEnv, file.TokenEnv);
        }
        if (!TryParseAddress(cliAddress, out var host, out var port, out _)) return null; // the CLI checked it before starting
        return new ConsoleSettings(cliAddress, host, port, file?.BasicAuthUser, file?.BasicAuthPasswordEnv, file?.TokenEnv);
    }

    /// <summary>`--console` takes host:port, :port (every interface), [v6]:port, or a bare port (loopback).</summary>
    public static bool TryParseAddress(string text, out string host, out int port, out string why)
    {
        host = "127.0.0.1";
        port = 0;
        why = "";
        var colon = text.LastIndexOf(':');
        var portText = text;
        if (colon >= 0)
        {
            host = text[..colon];
            if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
            else if (host.Contains(':'))
            {
                why = "write an IPv6 host in brackets: [::1]:8091";
                return false;
            }
            portText = text[(colon + 1)..];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            why = $"the port \"{portText}\" is not a number from 0 to 65535";
            return false;
        }
        return true;
    }
}
