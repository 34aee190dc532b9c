// NASDAQ OUCH 5.0: where every layout in this folder comes from.
//
// Primary source: "OUCH 5.0 Order Entry Specification", The NASDAQ Group, updated April 2023
// (nasdaqtrader.com …/TradingProducts/OUCH5.0.pdf; the copy read was the one stored with
// softstream-link/ouch, model/docs/ouch_spec_5.0.pdf). Section numbers below are that document's.
//
//   1.2 Data Types   Alpha: left-justified, right-padded with spaces. Numeric: binary big-endian;
//                    Long 8, Integer 4, Short 2, Byte 1. Price: 8 bytes (the tables' "Price" width),
//                    implied 4 decimals, unsigned unless "Signed Price"; 0x7FFFFFFF and
//                    $200,000.0000 are the market-order markers. UserRefNum: unsigned 4 bytes,
//                    day-unique and strictly increasing per account. Timestamp: 8 bytes,
//                    nanoseconds since midnight.
//   TagValue         Optional appendage element: Length (1, bytes after itself = 1 + value size),
//                    OptionTag (1), OptionValue (Appendix B size). An appendage is elements
//                    concatenated; its total length is the message's 2-byte Appendage Length.
//   2.1 O Enter Order        47 + appendage     3.1  S System Event        10
//   2.2 U Replace Order      40 + appendage     3.2  A Order Accepted      64 + appendage
//   2.3 X Cancel Order        9                 3.3  U Order Replaced      68 + appendage
//   2.4 M Modify Order       10                 3.4  C Order Canceled      18
//   2.5 Q Account Query Req   1                 3.5  D AIQ Canceled        32
//                                               3.6  E Order Executed      36 + appendage
//                                               3.7  B Broken Trade        36
//                                               3.8  J Rejected            29
//                                               3.9  P Cancel Pending      13
//                                               3.10 I Cancel Reject       13
//                                               3.11 T Priority Update     30
//                                               3.12 M Order Modified      18
//                                               3.13 R Order Restated      16 + appendage
//                                               3.14 Q Account Query Resp  13
//   Appendix B option tags and sizes; C cancel reasons; D reject reasons (0x0001–0x002A);
//   E liquidity flags.
//
// Mass Cancel is not in the April 2023 document. Its layout is from the later OUCH 5.0 revision as
// published in FIX Orchestra form (Atomic Wire's "nasdaq-ouch 5.0" repository, created 2024-05-01,
// orchimate.org/r/atomicwire/nasdaq-ouch/5.0/messages/MassCancelRequest and …/MassCancelResponse):
//   C Mass Cancel Request:  Type 1, UserRefNum 4, Firm 4 (Alpha, Appendix B width), Symbol 8 (Alpha,
//                           spaces = every symbol), Appendage Length 2, appendage   → 19 + appendage
//   X Mass Cancel Response: Type 1, Timestamp 8, UserRefNum 4, Firm 4, Symbol 8, Appendage Length 2,
//                           appendage                                               → 27 + appendage
// Its new option tags (Side, UserRefIdx) have numbers that revision does not give in a form we
// could read, so they are treated like every other unknown tag: skipped, never trusted.
//
// Inbound and outbound type letters overlap ('U', 'M', 'Q', 'C'/'X'), so each direction has its own
// decoder: a message's direction comes from the connection, never from its bytes.
