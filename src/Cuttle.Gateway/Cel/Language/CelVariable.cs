namespace Cuttle.Gateway.Cel.Language;

/// <summary>The names krakend-cel declares (internal/cel.go defaultDeclarations); nothing else resolves.</summary>
internal enum CelVariable
{
    ReqMethod,
    ReqPath,
    ReqParams,
    ReqHeaders,
    ReqQuerystring,
    RespCompleted,
    RespMetadataStatus,
    RespMetadataHeaders,
    RespData,
    Now,
    Jwt,
}
