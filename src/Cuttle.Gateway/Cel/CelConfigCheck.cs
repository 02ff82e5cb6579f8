using Cuttle.Config.Model;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// Compiles every validation/cel check_expr of a configuration without building a generation, so `cuttle check`
/// reports CEL syntax errors exactly as `cuttle run` would (KrakenD itself only logs them and drops the checks).
/// </summary>
public static class CelConfigCheck
{
    /// <summary>One message per expression that does not compile; empty when all do.</summary>
    public static IReadOnlyList<string> Errors(GatewayConfig config)
    {
        var errors = new List<string>();
        foreach (var endpoint in config.Endpoints)
        {
            Compile(endpoint.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}", errors);
            foreach (var backend in endpoint.Backend)
                Compile(backend.Cel, $"endpoint {endpoint.Method} {endpoint.Endpoint}, backend {backend.UrlPattern}", errors);
        }
        return errors;
    }

    private static void Compile(System.Collections.Immutable.ImmutableArray<CelCheck> checks, string where, List<string> errors)
    {
        foreach (var check in checks)
        {
            try
            {
                CelCheckSet.Compile([check], where);
            }
            catch (GatewayBuildException ex)
            {
                errors.Add(ex.Message);
            }
        }
    }
}
