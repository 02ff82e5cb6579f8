using Cuttle.Config.Json;

namespace Cuttle.Config.Binding;

/// <summary>
/// Settings KrakenD CE acts on that Cuttle cannot do as KrakenD does: each one present gets one warning, at its
/// position, that names it and says what Cuttle does instead (`run` and `check` print them alike). Nothing KrakenD
/// reads is accepted and then quietly dropped.
/// </summary>
internal sealed partial class ConfigBinder
{
    /// <summary>What Cuttle does instead of a namespace it does not implement, appended to the "not implemented" warning.</summary>
    private static string InsteadOfNamespace(string name) => name switch
    {
        "backend/lambda" or "backend/amqp/consumer" or "backend/amqp/producer" or "backend/pubsub/publisher" or "backend/pubsub/subscriber"
            => "; the backend is called over HTTP at its host and url_pattern instead",
        "async/amqp" => "; no AMQP consumer is started",
        "plugin/http-server" or "plugin/http-client" or "plugin/req-resp-modifier"
            => "; Cuttle loads no Go plugins, so requests pass without the plugin",
        _ => "",
    };

    /// <summary>The service's settings that Cuttle cannot honour exactly (one warning each, at the key).</summary>
    private void WarnUnsupportedService(JsonNode root)
    {
        foreach (var p in root.Properties)
        {
            var message = p.Name switch
            {
                "plugin" => "plugin: Cuttle cannot load KrakenD's Go plugins (.so files); none is loaded, and the plugin/* namespaces that would use them are ignored",
                "async_agent" when p.Value is { Kind: JsonNodeKind.Array, Items.Length: > 0 } agents =>
                    $"async_agent: Cuttle runs no async agents; the {agents.Items.Length} agent(s) configured here (AMQP consumers) are not started",
                _ => null,
            };
            if (message is not null)
                Warning(p, p.Value.Path, message);
        }
    }

    /// <summary>A duration setting's value when it parses and is above zero (type errors are reported elsewhere).</summary>
    private bool Positive(JsonNode node) => Quiet(() => ReadDuration(node, node.Path, TimeSpan.Zero)) > TimeSpan.Zero;

    /// <summary>
    /// lura proxy/http.go: backend/http/client's send_body_on_redirect; other keys of the namespace are named (the
    /// namespace's other settings are not Cuttle's).
    /// </summary>
    private bool BindSendBodyOnRedirect(JsonNode? extra)
    {
        if (Namespace(extra, "backend/http/client") is not { } ns)
            return false;
        var send = false;
        foreach (var p in ns.Properties)
        {
            if (p.Name == "send_body_on_redirect")
                send = ReadBool(p.Value, "backend/http/client.send_body_on_redirect", false, asError: false);
            // KrakenD CE 2.13 (lura v2.14 proxy/http.go) reads only send_body_on_redirect here: a backend's own
            // client_tls is an Enterprise setting CE ignores, calling the backend with the service's client_tls.
            // Cuttle does the same, and says so: a TLS setting must not pass unnoticed.
            else if (p.Name == "client_tls")
                Warning(p, p.Value.Path, "backend/http/client.client_tls is a KrakenD Enterprise setting that KrakenD CE ignores, and so does Cuttle: this backend is called with the service's client_tls");
            else if (!IsCommentKey(p.Name))
                Warning(p, p.Value.Path, $"backend/http/client.{p.Name} is not implemented by Cuttle and is ignored");
        }
        return send;
    }
}
