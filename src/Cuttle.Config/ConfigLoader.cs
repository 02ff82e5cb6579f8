using System.Security.Cryptography;
using Cuttle.Config.Binding;
using Cuttle.Config.Diagnostics;
using Cuttle.Config.Model;

namespace Cuttle.Config;

/// <summary>Reads a krakend.json (version 3) into an immutable <see cref="GatewayConfig"/> with KrakenD's defaults.</summary>
public static class ConfigLoader
{
    /// <summary>Reads and parses a file. Diagnostics name the file as given; <see cref="GatewayConfig.SourcePath"/> is its full path.</summary>
    public static ConfigLoadResult Load(string path, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        // KrakenD picks the parser by extension (krakend-koanf); Cuttle reads JSON only for now.
        if (ext is ".yml" or ".yaml" or ".toml")
        {
            return Fail(path, $"{(ext == ".toml" ? "TOML" : "YAML")} configuration files are not supported by Cuttle; convert the file to JSON (krakend.json)");
        }
        byte[] bytes;
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (FileNotFoundException)
        {
            return Fail(path, "configuration file not found");
        }
        catch (DirectoryNotFoundException)
        {
            return Fail(path, "configuration file not found (the directory does not exist)");
        }
        catch (UnauthorizedAccessException)
        {
            return Fail(path, Directory.Exists(path) ? "the configuration path is a directory, expected a JSON file" : "permission denied reading the configuration file");
        }
        catch (IOException ex)
        {
            return Fail(path, "cannot read the configuration file: " + ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return Fail(path, "invalid configuration file path: " + ex.Message);
        }
        return ParseCore(bytes, path, fullPath, options ?? ConfigLoadOptions.Default);
    }

    /// <summary>Parses bytes already in memory; <paramref name="fileName"/> is only used in diagnostics.</summary>
    public static ConfigLoadResult Parse(ReadOnlySpan<byte> utf8, string fileName, ConfigLoadOptions? options = null)
        => ParseCore(utf8.ToArray(), fileName, "", options ?? ConfigLoadOptions.Default);

    private static ConfigLoadResult ParseCore(byte[] bytes, string fileName, string sourcePath, ConfigLoadOptions options)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        // Editors on Windows may write a byte order mark; skip it rather than refuse the file.
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            bytes = bytes[3..];
        return new ConfigBinder(bytes, fileName, sourcePath, hash, options).Bind();
    }

    private static ConfigLoadResult Fail(string file, string message)
        => new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, message, new SourceLocation(file, 0, 0, ""))]);
}
