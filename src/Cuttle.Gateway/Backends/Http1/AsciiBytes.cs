namespace Cuttle.Gateway.Backends.Http1;

/// <summary>Case-insensitive ASCII comparison of header bytes (HTTP field names are case-insensitive).</summary>
internal static class AsciiBytes
{
    public static bool EqualsIgnoreCase(this ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => System.Text.Ascii.EqualsIgnoreCase(left, right);

    public static bool EqualsIgnoreCase(this Span<byte> left, ReadOnlySpan<byte> right) => System.Text.Ascii.EqualsIgnoreCase(left, right);
}
