namespace Cuttle.Gateway.Validation;

/// <summary>The draft a schema without <c>$schema</c> is read as.</summary>
internal enum JsonSchemaDraft
{
    /// <summary>Draft 7: KrakenD's validator (gojsonschema) knows drafts 4, 6 and 7, and takes the newest.</summary>
    Draft7,

    /// <summary>Draft 2020-12.</summary>
    Draft202012,
}
