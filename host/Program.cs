return await Sluice.Host.Cli.SluiceCli.RunAsync(args);
