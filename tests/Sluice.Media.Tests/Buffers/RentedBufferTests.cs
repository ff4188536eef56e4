using Sluice.Abstractions.Buffers;

namespace Sluice.Media.Tests.Buffers;

public sealed class RentedBufferTests
{
    [Fact]
    public void RentedBuffer_Should_StayUsableUntilTheLastReferenceIsReleased()
    {
        var buffer = RentedBuffer.CopyOf([1, 2, 3]);
        buffer.Retain();
        Assert.Equal(2, buffer.ReferenceCount);
        buffer.Release();
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.Span.ToArray());
        buffer.Release();
        Assert.Equal(0, buffer.ReferenceCount);
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Retain());
        Assert.Throws<InvalidOperationException>(buffer.Release);
    }

    [Fact]
    public async Task RentedBuffer_Should_CountReferencesExactly_When_RetainedAndReleasedConcurrently()
    {
        var buffer = RentedBuffer.Rent(10);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                buffer.Retain();
                buffer.Release();
            }
        })));
        Assert.Equal(1, buffer.ReferenceCount);
        buffer.Dispose();
        Assert.Equal(0, buffer.ReferenceCount);
    }
}
