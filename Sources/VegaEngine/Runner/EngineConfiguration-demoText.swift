import Foundation

extension EngineConfiguration {
    /// The text of `Config/demo.toml`, built in: what `vega demo` journals as its configuration
    /// (so `vega replay --journal` can rebuild the lanes). `DemoConfigurationTextTests` holds this
    /// text, the file and ``demo`` equal.
    public static let demoText = #"""
# The configuration `vega demo` runs with no arguments (EngineConfiguration.demo; a test keeps the
# two identical). Two simulated venues on HardwareSim, AAPL and MSFT on both, one lane, a market
# maker per instrument quoting on NASDAQ and a cross-venue arbitrage on AAPL.
# Every key is described in Config/README.md. Run it with `vega run --config Config/demo.toml`.

[engine]
name = "demo"
backend = "sim"                 # everything in process on HardwareSim
cancel_on_stop = "all"

[[accounts]]
name = "main"
id = 1

[[venues]]
name = "NASDAQ"
id = 0
wire_latency_us = 0
  [venues.feed]
  session = "NASDAQ0001"
  backend = "sim"
  [venues.order_entry]
  protocol = "ouch"
  [venues.fees]
  take_per_share = 0.0030
  make_per_share = -0.0020
  [venues.sim]
  seed = 1
  message_rate = 20000
  participants = 8

[[venues]]
name = "NYSE"
id = 1
wire_latency_us = 120           # the NASDAQ-NYSE distance: what the arbitrage lives on
  [venues.feed]
  session = "NYSE000001"
  backend = "sim"
  [venues.order_entry]
  protocol = "ouch"
  [venues.fees]
  take_per_share = 0.0028
  make_per_share = -0.0015
  [venues.sim]
  seed = 2
  message_rate = 20000
  participants = 8

[[instruments]]
symbol = "AAPL"
id = 1
tick = 0.01
lot = 100
reference_price = 190.00
venues = ["NASDAQ", "NYSE"]

[[instruments]]
symbol = "MSFT"
id = 2
tick = 0.01
lot = 100
reference_price = 420.00
venues = ["NASDAQ", "NYSE"]

[[lanes]]
name = "lane0"                  # no core: not pinned (the demo runs on any machine)
poll = "busy"
instruments = ["AAPL", "MSFT"]  # books: AAPL@NASDAQ 1, AAPL@NYSE 2, MSFT@NASDAQ 3, MSFT@NYSE 4

[[strategies]]
name = "mm-aapl"
kind = "market_maker"
id = 1
account = "main"
instrument = "AAPL"
venue = "NASDAQ"
  [strategies.parameters]
  quoting = true
  fair_price = "microprice"
  half_spread = 0.02
  inventory_skew = 0.0001
  quote_size = 100
  requote_threshold = 0.01
  max_position = 1000
  max_working_orders = 4
  widen_at_vpin = 600000
  toxic_widening = 0.02
  pull_at_vpin = 850000
  order_rate = { per_second = 300, burst = 30 }
  vpin_bucket_volume = 10000
  vpin_bucket_count = 50

[[strategies]]
name = "mm-msft"
kind = "market_maker"
id = 2
account = "main"
instrument = "MSFT"
venue = "NASDAQ"
  [strategies.parameters]
  quoting = true
  fair_price = "microprice"
  half_spread = 0.02
  inventory_skew = 0.0001
  quote_size = 100
  requote_threshold = 0.01
  max_position = 1000
  max_working_orders = 4
  widen_at_vpin = 600000
  toxic_widening = 0.02
  pull_at_vpin = 850000
  order_rate = { per_second = 300, burst = 30 }

[[strategies]]
name = "arb-aapl"
kind = "cross_venue_arbitrage"
id = 3
account = "main"
instrument = "AAPL"
venues = ["NASDAQ", "NYSE"]
  [strategies.parameters]
  enabled = true
  edge = 0.01
  max_clip = 100
  flatten_imbalance = true
  flatten_slippage = 0.02

[risk]
max_open_orders = 200
max_open_notional = 2000000.00
self_match_prevention = true
strategy_loss_limit = 10000.00
max_rejects = 20
reject_window_us = 1000000
max_messages_per_second = 5000
stale_market_data_us = 0
position_breach = true
  [risk.collar]
  basis_points = 500
  reference = "touch"
  no_book = "reject"
  [risk.instrument_defaults]
  max_order_quantity = 1000
  max_order_notional = 500000.00
  max_long = 5000
  max_short = 5000
  max_gross = 10000
  [risk.account_defaults]
  max_open_orders = 200
  max_open_notional = 2000000.00
  order_rate = { per_second = 1000, burst = 100 }
  cancel_rate = { per_second = 2000, burst = 200 }
  loss_limit = 25000.00

# No [journal]: the demo writes none unless `vega demo --journal DIR` asks for one.

[telemetry]
profile = "full"
outlier_ns = 20000

"""#
}
