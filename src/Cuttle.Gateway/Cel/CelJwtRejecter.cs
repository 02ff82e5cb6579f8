using System.Text.Json;
using Cuttle.Gateway.Cel.Language;

namespace Cuttle.Gateway.Cel;

/// <summary>
/// krakend-cel's Rejecter, which krakend-jose consults after validating a token and before the role/scope checks:
/// any check mentioning JWT that does not pass rejects the token (401).
/// </summary>
internal sealed class CelJwtRejecter(CelProgram[] programs, TimeProvider time)
{
    public bool Reject(JsonElement claims) => CelCheckSet.FirstFailure(programs, new CelJwtActivation(claims, time)) >= 0;
}
