// VegaOrderEntry: the protocols Vega takes orders with and sends them to venues with.
//
//   FIX/         FIX 4.4 tag=value codec, data dictionary, sans-IO session (acceptor and initiator),
//                message store, QuickFIX-format session configuration
//   SoupBinTCP/  SoupBinTCP 4.0 framing and sans-IO client/server sessions
//   OUCH/        NASDAQ OUCH 5.0 codec (inbound and outbound messages)
//   Transport/   SwiftNIO transports for the sessions (off the lane), TLS
//   DropCopy/    replication of every ExecutionReport to a drop-copy target
//
// Codecs and sessions never do I/O: bytes and events in, actions out, so the same code runs
// live, in the venue simulator, in replay and in the backtester.
