// VegaCore
