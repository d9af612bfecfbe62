using Pipeline.Core.Internal;
using Pipeline.Core.Processing;

namespace Pipeline.Core;

/// <summary>Settings of one stage that take the place of the builder-wide defaults for that stage's processors.</summary>
/// <remarks>
/// A setting left null falls back to the builder-wide one, resolved when the pipeline is built. Values are checked
/// when they are set; an instance may be shared by several stages.
/// </remarks>
public sealed class StageOptions<T>
{
    private readonly int? _maxBatchSize;

    /// <summary>Decides what happens when one of the stage's handlers throws (null: the builder's exception handler).</summary>
    public IExceptionHandler<T>? ExceptionHandler { get; init; }

    /// <summary>Caps how many events each of the stage's handlers gets before its sequence advances (null: the builder's cap).</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int? MaxBatchSize
    {
        get => _maxBatchSize;
        init
        {
            if (value is int size && size <= 0)
            {
                ThrowHelper.ThrowMaxBatchSizeOutOfRange(size, nameof(MaxBatchSize));
            }

            _maxBatchSize = value;
        }
    }
}
