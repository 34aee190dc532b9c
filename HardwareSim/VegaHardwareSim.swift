// VegaHardwareSim
