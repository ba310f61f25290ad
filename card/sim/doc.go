// Package sim is a virtual My Number Card that behaves on the wire as
// docs/card.md says: the JPKI, input-helper (券面事項入力補助),
// card-face (券面) and 住基 applets, their files and access rules, the three
// PIN counters, READ BINARY, VERIFY, CHANGE PIN and COMPUTE DIGITAL
// SIGNATURE with real RSA-2048 keys. Where docs/card.md leaves a real card's
// behaviour unconfirmed, the card can be set to each variant (Extended,
// ResponseMode, Token) so the driver is tested against all of them, and
// Faults make it slow, taken away, mute or garbled.
//
// A Card is the state machine (Process). It is reached in three ways:
//
//   - in process: NewConn gives a card.Conn for driver tests, and System
//     is a whole card.System (readers, insertion, removal, a stopped
//     service) for the app's and mynactl's tests, with no pcscd;
//   - behind the real PC/SC stack: Serve connects it to vsmartcard's vpcd
//     driver inside pcscd (`mynasim serve`);
//   - directly: Process, for table tests on raw APDUs.
//
// # Card directory
//
// OpenCard and SaveCardDir keep a card between runs in a directory (0700):
//
//	card.json    what the card is: token kind, holder (4 basic attributes),
//	             made-up individual number, expiry year and security code
//	             (照合番号B), extended-length and response modes. Written
//	             by SaveCardDir (mynasim init), never by the card.
//	state.json   what changes: each PIN's value and tries left ("helper",
//	             "auth", "sign", "number-a", "number-b"), mode 0600.
//	             Rewritten atomically (temporary file, fsync, rename) before
//	             the card answers a VERIFY or CHANGE PIN, so a blocked PIN
//	             stays blocked across restarts of `mynasim serve`.
//	sign-ca.pem sign-ca.key auth-ca.pem auth-ca.key sign.pem sign.key
//	auth.pem auth.key sign-ca.crl
//	             the test PKI as SavePKI writes it (PEM; keys 0600; CRL DER).
//
// Everything in it is fictional test data, but PINs and keys are in clear.
// One `mynasim serve` per directory: two would overwrite each other's
// counters.
//
// # Choices where docs/card.md is silent
//
//   - VERIFY with no data always answers 63 Cx, even after a successful
//     VERIFY (the spec's rule; ISO 7816-4 would allow 90 00 there).
//   - VERIFY or CHANGE PIN with a data EF current, READ BINARY on a PIN or
//     key EF, and COMPUTE DIGITAL SIGNATURE with a non-key EF current answer
//     69 81; with no EF current, 69 86.
//   - CHANGE PIN with a new PIN of the wrong shape answers 6A 80; on a
//     blocked PIN 69 84; before VERIFY 69 82.
//   - READ BINARY without Le answers 67 00; P1 bit 8 (short EF identifier)
//     6A 86. GET RESPONSE with nothing pending answers 69 85.
//   - The counter is decremented and written before the PIN is compared; if
//     it cannot be written the card answers 65 81 and uses no try.
//   - Certificate EFs are 2048 bytes (certificate then 0xFF filler); the
//     driver must size a certificate from its DER header. Input-helper
//     EF 0002 is its TLV padded with 0xFF to the next multiple of 256 bytes.
//   - Selecting any applet forgets every verified PIN (observably the same
//     as forgetting only that applet's, since only the current applet's
//     files can be reached).
//   - 照合番号A (the individual number) and 照合番号B (birth YYMMDD + expiry
//     year + security code) are PIN EFs 0014/0015 with 10 tries, in the
//     input-helper and the card-face applets alike. The card-face applet's
//     FIDs are this package's own (FIDFace*).
//   - Token kinds: a Juki card has only the JPKI and 住基 applets; a
//     smartphone token only JPKI.
//
// # What pcscd shows for each fault (pcsc-lite 1.9.9, vsmartcard-vpcd 3.3)
//
// vpcd (virtualsmartcard/src/vpcd/vpcd.c) reads the card's answer with a
// blocking recv(MSG_WAITALL) and no timeout, holding the slot's lock; pcscd
// polls presence by asking the card for its ATR about every 400 ms through
// the same lock. Measured with ebfe/scard on slot 1:
//
//   - Card taken away (RemoveAfter N): Serve closes the TCP connection when
//     APDU N+1 arrives. vpcd reads end of file, ejects the card and hands
//     pcscd a 0-byte answer as success, so SCardTransmit returns
//     SCARD_S_SUCCESS with an EMPTY response for that APDU. Later transmits
//     on the same handle fail with SCARD_E_NOT_TRANSACTED (0x80100016)
//     until pcscd's presence poll notices, then SCARD_W_REMOVED_CARD
//     (0x80100069); the reader state becomes EMPTY and SCardConnect
//     returns SCARD_E_NO_SMARTCARD (0x8010000C). Serve does not reconnect.
//   - No answer (MuteAfter N): if the card stayed silent, SCardTransmit
//     would block for ever (measured: still blocked after 20 s), and other
//     applications' SCardConnect to that reader block too, because vpcd
//     holds the slot lock. So Serve stays silent for MuteTimeout (default
//     5 s), then drops the connection: the pending SCardTransmit returns
//     SCARD_S_SUCCESS with an empty response after MuteTimeout, and the
//     card then counts as removed, as above. A negative MuteTimeout keeps
//     the unbounded hang, which ends only when Serve stops.
//   - Garbled answer (GarbleAfter N): pcscd passes the bytes through
//     unchanged; SCardTransmit returns SCARD_S_SUCCESS with, by default, a
//     1-byte response.
//
// In process the same faults are typed: removal is a *card.ReaderError
// with card.FaultCardRemoved, a mute card blocks Transmit until its
// context is done (card.FaultTimeout or card.FaultCancelled), a garbled
// answer is returned as is.
package sim
