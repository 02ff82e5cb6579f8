using System.Text.RegularExpressions;
using Cuttle.Config.Diagnostics;

namespace Cuttle.Hosting;

/// <summary>
/// Masks credentials in text the gateway prints about a configuration (reload errors in the log and at /__health,
/// start-up errors, `cuttle check`): a configuration error often quotes the offending value, and values are where
/// users put passwords. URL passwords become <c>xxxxx</c> as Go's url.URL.Redacted() writes them (the user name
/// stays, to say which account); values of keys that name a secret (password, secret, token, api_key,
/// authorization, ...) become <c>xxxxx</c> whole.
/// </summary>
internal static partial class SecretMask
{
    /// <summary>What replaces a secret (Go's url.URL.Redacted).</summary>
    public const string Mask = "xxxxx";

    /// <summary>The text with URL passwords and the values of secret-looking keys masked.</summary>
    public static string Apply(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var masked = UrlPassword().Replace(text, m => m.Groups["user"].Value + ":" + Mask + "@");
        return KeyValue().Replace(masked, m =>
        {
            if (!IsSecretKey(m.Groups["key"].Value)) return m.Value;
            var value = m.Groups["value"].Value;
            var quote = value[0] is '"' or '\'' ? value[0].ToString() : "";
            return m.Groups["lead"].Value + quote + Mask + quote;
        });
    }

    /// <summary>
    /// The diagnostic as <c>file:line:col: error: message (at path)</c>, masked; when the value it is about sits under a
    /// secret-looking key, every quoted value in its message is masked too (the message says "got the string …").
    /// </summary>
    public static string Apply(ConfigDiagnostic diagnostic)
    {
        var path = diagnostic.Location.JsonPath ?? "";
        if (PathNamesSecret(path)) diagnostic = diagnostic with { Message = Quoted().Replace(diagnostic.Message, "\"" + Mask + "\"") };
        return Apply(diagnostic.ToString());
    }

    /// <summary>True for a key whose value is a credential: password, client_secret, api_key, Authorization, ...</summary>
    public static bool IsSecretKey(string key)
    {
        var k = key.ToLowerInvariant().Replace('-', '_');
        // A key that names where a secret is (token_url, secret_url, key_identifier) holds no secret itself.
        if (k.EndsWith("_url", StringComparison.Ordinal) || k.EndsWith("_uri", StringComparison.Ordinal) ||
            k.EndsWith("_path", StringComparison.Ordinal) || k.EndsWith("_file", StringComparison.Ordinal) ||
            k.EndsWith("_identifier", StringComparison.Ordinal) || k.EndsWith("_name", StringComparison.Ordinal) ||
            k.EndsWith("_header", StringComparison.Ordinal) || k.EndsWith("_ttl", StringComparison.Ordinal))
            return false;
        return k.Contains("password", StringComparison.Ordinal) || k.Contains("passwd", StringComparison.Ordinal) ||
            k.Contains("secret", StringComparison.Ordinal) || k.Contains("token", StringComparison.Ordinal) ||
            k.Contains("credential", StringComparison.Ordinal) || k.Contains("authorization", StringComparison.Ordinal) ||
            k.Contains("apikey", StringComparison.Ordinal) || k.Contains("privatekey", StringComparison.Ordinal) ||
            k == "key" || k.EndsWith("_key", StringComparison.Ordinal) || k == "pass" || k == "pwd";
    }

    private static bool PathNamesSecret(string path)
    {
        // The last member of a JSON path: endpoints[0].extra_config["auth/x"].client_secret or ...["client_secret"].
        var end = path.Length;
        while (end > 0 && path[end - 1] is ']' or '"') end--;
        var start = end;
        while (start > 0 && path[start - 1] is not ('.' or '"' or '[')) start--;
        return start < end && !char.IsAsciiDigit(path[start]) && IsSecretKey(path[start..end]);
    }

    // scheme://user:password@ — the password is everything up to the '@' that ends the authority.
    [GeneratedRegex("""(?<user>[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@"'<>]*):[^@/\s"'<>]*@""")]
    private static partial Regex UrlPassword();

    // key: value, key=value, "key": "value" (JSON as written, logs, headers); an auth scheme word is part of the value.
    [GeneratedRegex("""(?<lead>(?<q>["']?)(?<key>[A-Za-z][A-Za-z0-9_\-]*)\k<q>\s*[:=]\s*)(?<value>"(?:[^"\\]|\\.)*"|'[^']*'|(?:(?:Bearer|Basic|Digest|Token)\s+)?[^\s,;&)}\]"']+)""", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValue();

    [GeneratedRegex("""(?:"(?:[^"\\]|\\.)*")""")]
    private static partial Regex Quoted();
}
