namespace Cuttle.Gateway.Tests.Validation;

/// <summary>
/// The required suite cases the shipped validator (JsonSchema.Net) is known to fail, each with its reason, and the
/// measured pass counts of the optional cases. The hand-written validator it replaced passed 843/927 draft7 and
/// 1090/1299 draft2020-12 required cases (optional: 406/794 and 486/926).
/// </summary>
internal static class JsonSchemaSuiteKnownFailures
{
    public const int Draft7OptionalFloor = 698;
    public const int Draft202012OptionalFloor = 813;

    public static readonly Dictionary<string, string> Required = new(StringComparer.Ordinal)
    {
        ["draft2020-12/format.json: date format / invalid date string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: date-time format / invalid date-time string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: duration format / invalid duration string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: email format / invalid email string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: hostname format / invalid hostname string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: idn-email format / invalid idn-email string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: idn-hostname format / invalid idn-hostname string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: ipv4 format / invalid ipv4 string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: ipv6 format / invalid ipv6 string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: iri format / invalid iri string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: iri-reference format / invalid iri-reference string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: json-pointer format / invalid json-pointer string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: regex format / invalid regex string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: relative-json-pointer format / invalid relative-json-pointer string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: time format / invalid time string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: uri format / invalid uri string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: uri-reference format / invalid uri-reference string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: uri-template format / invalid uri-template string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/format.json: uuid format / invalid uuid string is only an annotation by default"] =
            "format is asserted, as KrakenD's gojsonschema asserts it; draft 2020-12 makes it an annotation unless a meta-schema asks",
        ["draft2020-12/pattern.json: pattern with Unicode property escape requires unicode mode / ASCII letters match"] =
            "JsonSchema.Net compiles patterns in .NET's ECMAScript mode, which refuses \\p{L}; Go's RE2 (gojsonschema) accepts it",
        ["draft2020-12/pattern.json: pattern with Unicode property escape requires unicode mode / Digits do not match"] =
            "JsonSchema.Net compiles patterns in .NET's ECMAScript mode, which refuses \\p{L}; Go's RE2 (gojsonschema) accepts it",
        ["draft2020-12/pattern.json: pattern with Unicode property escape requires unicode mode / Non-ASCII letters match"] =
            "JsonSchema.Net compiles patterns in .NET's ECMAScript mode, which refuses \\p{L}; Go's RE2 (gojsonschema) accepts it",
        ["draft2020-12/patternProperties.json: patternProperties with Unicode property escape / Non-letter property name does not match pattern"] =
            "JsonSchema.Net compiles patterns in .NET's ECMAScript mode, which refuses \\p{L}; Go's RE2 (gojsonschema) accepts it",
        ["draft2020-12/patternProperties.json: patternProperties with Unicode property escape / Unicode letter property name matches"] =
            "JsonSchema.Net compiles patterns in .NET's ECMAScript mode, which refuses \\p{L}; Go's RE2 (gojsonschema) accepts it",
    };
}
