using System.Collections.Immutable;
using Cuttle.Config.Model;
using Cuttle.Gateway.Cel.Language;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// The compiled check_expr list of one endpoint or backend, split the way krakend-cel's parseByKey does: an
/// expression goes to the pre (request) list when its text contains "req", to the post (response) list when it
/// contains "resp", to the JWT rejecter when it contains "JWT" (one expression can land in several), and an
/// expression mentioning none of them is never evaluated. Evaluator numbers (#i) count within each list.
/// </summary>
internal sealed class CelCheckSet
{
    private CelCheckSet(CelProgram[] pre, CelProgram[] post, CelProgram[] jwt)
    {
        Pre = pre;
        Post = post;
        Jwt = jwt;
    }

    public CelProgram[] Pre { get; }
    public CelProgram[] Post { get; }
    public CelProgram[] Jwt { get; }

    /// <summary>Compiles every check; a syntax error throws <see cref="GatewayBuildException"/> naming <paramref name="where"/> and the check's position.</summary>
    public static CelCheckSet Compile(ImmutableArray<CelCheck> checks, string where)
    {
        var pre = new List<CelProgram>();
        var post = new List<CelProgram>();
        var jwt = new List<CelProgram>();
        foreach (var check in checks)
        {
            CelProgram program;
            try
            {
                program = CelProgram.Compile(check.CheckExpr);
            }
            catch (CelSyntaxException ex)
            {
                throw new GatewayBuildException(
                    $"{where}: invalid validation/cel check_expr ({check.Location}): {ex.Describe()} in \"{check.CheckExpr}\"");
            }
            var text = check.CheckExpr;
            if (text.Contains("req", StringComparison.Ordinal)) pre.Add(program);
            if (text.Contains("resp", StringComparison.Ordinal)) post.Add(program);
            if (text.Contains("JWT", StringComparison.Ordinal)) jwt.Add(program);
        }
        return new CelCheckSet([.. pre], [.. post], [.. jwt]);
    }

    /// <summary>The index of the first check that does not pass, or -1 when all pass (krakend-cel evalChecks).</summary>
    public static int FirstFailure(CelProgram[] programs, CelActivation activation)
    {
        for (var i = 0; i < programs.Length; i++)
        {
            if (!programs[i].Passes(activation)) return i;
        }
        return -1;
    }
}
