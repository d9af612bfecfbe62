namespace Pipeline.Streams.Tests;

internal readonly record struct Reading(long Key, long Value);
