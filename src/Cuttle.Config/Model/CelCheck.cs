namespace Cuttle.Config.Model;

/// <summary>
/// One entry of extra_config."validation/cel" (krakend-cel InterpretableDefinition): a check_expr and where its
/// string sits in the file, so a CEL syntax error can point at it.
/// </summary>
public sealed record CelCheck(string CheckExpr, SourceLocation Location);
