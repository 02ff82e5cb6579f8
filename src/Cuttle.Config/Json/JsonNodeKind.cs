namespace Cuttle.Config.Json;

internal enum JsonNodeKind { Object, Array, String, Number, True, False, Null }
