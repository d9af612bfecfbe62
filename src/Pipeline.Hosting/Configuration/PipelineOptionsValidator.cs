using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Pipeline.Hosting.Configuration;

/// <summary>The rules data annotations cannot say; each message names the configuration key.</summary>
internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new List<string>();
        Annotations(options, "Pipeline", failures);
        Annotations(options.Ingest, "Pipeline:Ingest", failures);
        Annotations(options.Engine, "Pipeline:Engine", failures);
        Annotations(options.Journal, "Pipeline:Journal", failures);
        Annotations(options.Snapshots, "Pipeline:Snapshots", failures);
        Annotations(options.EventStore, "Pipeline:EventStore", failures);
        Annotations(options.Consumers, "Pipeline:Consumers", failures);
        Annotations(options.Streams, "Pipeline:Streams", failures);
        if (!IPAddress.TryParse(options.Ingest.Address, out _))
        {
            failures.Add($"Pipeline:Ingest:Address: '{options.Ingest.Address}' is not an IP address.");
        }

        int ring = options.Engine.RingSize;
        if (ring <= 0 || (ring & (ring - 1)) != 0)
        {
            failures.Add($"Pipeline:Engine:RingSize: {ring} is not a power of two.");
        }

        if (options.Journal.MaxPayloadBytes > options.Ingest.MaxFrameLength)
        {
            failures.Add("Pipeline:Journal:MaxPayloadBytes must not exceed Pipeline:Ingest:MaxFrameLength.");
        }

        if (options.Journal.SegmentSizeBytes < (long)options.Journal.MaxPayloadBytes + (1 << 20))
        {
            failures.Add("Pipeline:Journal:SegmentSizeBytes must exceed Pipeline:Journal:MaxPayloadBytes by at least 1 MiB.");
        }

        if (!System.Enum.IsDefined(options.Journal.Durability))
        {
            failures.Add($"Pipeline:Journal:Durability: '{options.Journal.Durability}' is not Batch, Interval or None.");
        }

        if (!System.Enum.IsDefined(options.Schemas.Validation))
        {
            failures.Add($"Pipeline:Schemas:Validation: '{options.Schemas.Validation}' is not Off, Rejections or All.");
        }

        if (!System.Enum.IsDefined(options.Engine.WaitStrategy))
        {
            failures.Add($"Pipeline:Engine:WaitStrategy: '{options.Engine.WaitStrategy}' is not Blocking, Sleeping, Yielding, BusySpin or Phased.");
        }

        if (!System.Enum.IsDefined(options.Journal.Retention))
        {
            failures.Add($"Pipeline:Journal:Retention: '{options.Journal.Retention}' is not KeepAll, Delete or Archive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Data annotations of one section, reported with the full configuration key of each member.
    private static void Annotations(object section, string prefix, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            foreach (ValidationResult result in results)
            {
                foreach (string member in result.MemberNames)
                {
                    failures.Add($"{prefix}:{member}: {result.ErrorMessage}");
                }
            }
        }
    }
}
