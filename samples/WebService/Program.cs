// Your ASP.NET Core service on the simulated network: README's section of that name shows this file.
using SimNet.WebService;

Console.WriteLine(Demo.Run(seed: 2026));
