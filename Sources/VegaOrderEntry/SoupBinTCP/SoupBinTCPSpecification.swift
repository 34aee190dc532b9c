// SoupBinTCP 4.00: where the layouts and rules in this folder come from.
//
// Source: "SoupBinTCP Version 4.00", NASDAQ (revision of 07/12/2010; the copy read was the one stored
// with softstream-link/soupbintcp, model/docs/soupbintcp_spec_4.0.pdf). Section numbers are its own.
//
//   1.1  Logical packet: 2-byte big-endian length of the rest (type + payload), 1-byte type, payload.
//        No maximum payload length is defined: each side here sets its own and refuses longer ones.
//   1.2  Client logs in; server answers Login Accepted then Sequenced/Unsequenced Data. Sequence
//        numbers are implicit: the Login Accepted gives the next one, each Sequenced Data adds one;
//        the first message of a session is 1. A client rejoins with its session and next expected
//        sequence number.
//   1.3  Heartbeats: each side sends one whenever more than 1 s passed since it last sent anything;
//        nothing received for an extended period (typically 15 s) means the link is lost.
//   1.4  End of Session: no more messages in this session; log in again with the new or a blank
//        session.
//   2.1  '+' Debug: free text, either side, to be ignored.
//   2.2  Server: 'A' Login Accepted = Session (10, alphanumeric, left-padded with spaces) + Sequence
//        Number (20, ASCII decimal, left-padded with spaces), first non-debug packet after a good
//        login. 'J' Login Rejected = Reject Reason Code (1): 'A' not authorized, 'S' session not
//        available; the server closes the socket after it. 'S' Sequenced Data, 'U' Unsequenced Data
//        (not counted), 'H' Server Heartbeat, 'Z' End of Session.
//   2.3  Client: 'L' Login Request = Username (6), Password (10) — case-insensitive, right-padded with
//        spaces — Requested Session (10, all blanks = the currently active session), Requested
//        Sequence Number (20, ASCII; 0 = start with the most recently generated message); the server
//        may drop a socket with no login within a reasonable time (typically 30 s). 'U' Unsequenced
//        Data, 'R' Client Heartbeat, 'O' Logout Request (the server closes the socket at once).
//
// Choices the specification leaves open, made here and documented where they act:
// - A requested sequence number beyond the server's stream is clamped to the next message to be
//   generated (the Login Accepted says which); 0 means the last generated message (1 if none).
// - Fixed packets ('R', 'O', 'H', 'Z') with a payload, a Login Request that is not exactly 46 bytes
//   of payload, and a packet type that is not the peer's to send are protocol violations: the
//   session reports the reason and closes, since a peer that sends them does not speak SoupBinTCP.
