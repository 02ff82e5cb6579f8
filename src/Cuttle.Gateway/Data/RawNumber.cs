namespace Cuttle.Gateway.Data;

/// <summary>
/// A JSON number kept as its literal text. KrakenD decodes with json.Number (UseNumber), so numbers are re-emitted
/// byte for byte ("1.10" stays "1.10", big integers keep every digit).
/// </summary>
internal sealed class RawNumber(string text)
{
    public string Text { get; } = text;

    public override string ToString() => Text;
}
