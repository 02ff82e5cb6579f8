using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;

namespace Cuttle.Gateway.Validation;

/// <summary>
/// Compiles every validation/json-schema of a configuration (remote <c>$ref</c>s fetched, bounded as at run time) so
/// <c>cuttle check</c> tells the user about a schema the gateway will drop: KrakenD only logs it when it starts and
/// serves the endpoint without validation, which is easy to miss.
/// </summary>
public static class JsonSchemaConfigCheck
{
    /// <summary>One warning per endpoint whose schema does not compile; empty when all do.</summary>
    public static IReadOnlyList<ConfigDiagnostic> Warnings(GatewayConfig config)
    {
        var warnings = new List<ConfigDiagnostic>();
        using var client = new HttpMessageInvoker(new SocketsHttpHandler { ConnectTimeout = RemoteSchemaDocuments.FetchTimeout });
        var remote = new RemoteSchemaDocuments(client, TimeProvider.System);
        foreach (var endpoint in config.Endpoints)
        {
            if (endpoint.JsonSchema is not { } schema) continue;
            try
            {
                ValidationBuilder.Compile(schema, remote);
            }
            catch (ArgumentException ex)
            {
                warnings.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning,
                    $"endpoint {endpoint.Method} {endpoint.Endpoint}: validation/json-schema does not compile ({ex.Message}); KrakenD logs this and serves the endpoint without validation",
                    endpoint.Location));
            }
        }
        return warnings;
    }
}
