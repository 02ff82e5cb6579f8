namespace Cuttle.Gateway.Cel.Language;

/// <summary>One lexical token: its kind, its offset, and for literals/identifiers the decoded value.</summary>
internal readonly record struct CelToken(CelTokenKind Kind, int Position, object? Value = null, string? Text = null);
