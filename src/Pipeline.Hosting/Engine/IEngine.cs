using System;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Journal;

namespace Pipeline.Hosting.Engine;

/// <summary>A started command pipeline, whatever application it hosts: what the worker service and the listener use.</summary>
internal interface IEngine : IIngestBackend, IDisposable
{
    /// <summary>Completes when the pipeline's threads end; faulted when a stage halted (a journal failure).</summary>
    Task Completion { get; }

    JournalWriter Journal { get; }

    /// <summary>Journaled commands not yet durable.</summary>
    long DurableLag { get; }

    /// <summary>Commands published and not yet through every stage.</summary>
    long RingOccupancy { get; }

    /// <summary>Drains, stops the stages, closes the journal and the event log, and writes a final snapshot. Idempotent.</summary>
    void Shutdown(TimeSpan timeout);
}
