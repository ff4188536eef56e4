using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Mail.Tests;

public sealed class MailAddressesTests
{
    [Theory]
    [InlineData("admin@my.cdn", true)]
    [InlineData("Sluice <sluice@streamer1.my.cdn>", true)]
    [InlineData("nope", false)]
    [InlineData("a@b\r\nBcc: c@d", false)]
    [InlineData("", false)]
    public void Tells_an_address_from_anything_else(string text, bool valid) => Assert.Equal(valid, MailAddresses.IsAddress(text));

    [Fact]
    public void Recipients_split_on_commas_and_semicolons_and_name_the_bad_one()
    {
        Assert.Equal(["a@x.y", "b@x.y", "c@x.y"], MailAddresses.ParseRecipients(" a@x.y, b@x.y;c@x.y ", out _));
        Assert.Equal(["a@x.y", "b@x.y", "c@x.y"], MailAddresses.ParseRecipients(["a@x.y", "b@x.y, c@x.y"], out _));
        Assert.Null(MailAddresses.ParseRecipients("a@x.y, nope", out var error));
        Assert.Equal("'nope' is not an email address", error);
        Assert.Null(MailAddresses.ParseRecipients(" , ", out error));
        Assert.Equal("no recipient", error);
    }
}
