using Cuttle.Config.Json;
using Cuttle.Config.Model;

namespace Cuttle.Config.Binding;

internal sealed partial class ConfigBinder
{
    /// <summary>
    /// extra_config."cuttle/console": listen_address (default 127.0.0.1:8091), an optional basic_auth {user,
    /// password_env} and an optional token_env. Credentials are read from the environment when the console starts, so
    /// the file never holds them; a key of the wrong type or an unknown key is an error with its position.
    /// </summary>
    private ConsoleOptions? BindConsole(JsonNode? extra)
    {
        if (RawNamespace(extra, "cuttle/console") is not { } c)
            return null;
        if (c.Kind != JsonNodeKind.Object)
        {
            Error(c, $"\"cuttle/console\" must be an object, got {c.KindName}");
            return null;
        }

        string? Text(JsonNode parent, string key, string path)
        {
            if (parent[key] is not { } n || n.Kind == JsonNodeKind.Null) return null;
            if (n.Kind == JsonNodeKind.String && n.Text!.Length > 0) return n.Text;
            Error(n, $"\"cuttle/console.{path}\" must be a non-empty string, got {(n.Kind == JsonNodeKind.String ? "an empty string" : n.KindName)}");
            return null;
        }

        foreach (var member in c.Properties)
        {
            if (member.Name is not ("listen_address" or "basic_auth" or "token_env"))
                Error(member.Value, $"unknown key \"{member.Name}\" in \"cuttle/console\" (expected listen_address, basic_auth, token_env)");
        }

        var address = Text(c, "listen_address", "listen_address") ?? ConsoleOptions.DefaultListenAddress;
        if (!TrySplitListenAddress(address, out var host, out var port, out var why))
        {
            Error(c["listen_address"] ?? c, $"invalid \"cuttle/console.listen_address\" \"{address}\": {why}");
            (host, port) = ("127.0.0.1", 8091);
        }

        string? user = null, passwordEnv = null;
        if (c["basic_auth"] is { } b && b.Kind != JsonNodeKind.Null)
        {
            if (b.Kind != JsonNodeKind.Object)
            {
                Error(b, $"\"cuttle/console.basic_auth\" must be an object with user and password_env, got {b.KindName}");
            }
            else
            {
                // An inline password would be ignored silently; say where the password goes instead.
                foreach (var member in b.Properties)
                {
                    if (member.Name is not ("user" or "password_env"))
                        Error(member.Value, $"unknown key \"{member.Name}\" in \"cuttle/console.basic_auth\" (expected user and password_env, the environment variable holding the password)");
                }
                user = Text(b, "user", "basic_auth.user");
                passwordEnv = Text(b, "password_env", "basic_auth.password_env");
                if (user is null || passwordEnv is null)
                    Error(b, "\"cuttle/console.basic_auth\" needs both user and password_env (the environment variable holding the password)");
            }
        }

        return new ConsoleOptions
        {
            ListenAddress = address,
            ListenHost = host,
            ListenPort = port,
            BasicAuthUser = user,
            BasicAuthPasswordEnv = passwordEnv,
            TokenEnv = Text(c, "token_env", "token_env"),
            Location = Loc(c),
        };
    }
}
