// VegaHardware
