namespace Cuttle.Config.Json;

/// <summary>Where and why the bytes are not valid JSON.</summary>
internal sealed record JsonSyntaxError(string Message, int Line, int Column, string Path);
