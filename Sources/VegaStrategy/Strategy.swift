// VegaStrategy: the strategy API a lane calls, and the native strategies.
