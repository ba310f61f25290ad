package card

import "sync"

// What the driver learns about a card that cannot change while it stays in
// the reader. It is kept per Insertion (reader + the reader's event count),
// one entry per reader, so a card taken out and put back, or another card,
// starts afresh; an operation that finds the card gone forgets it at once.
// Nothing personal is kept: a kind, a profile name, two booleans.

// tristate is a fact not yet learnt, true or false.
type tristate int8

const (
	unknown tristate = iota
	yes
	no
)

func tri(b bool) tristate {
	if b {
		return yes
	}
	return no
}

// insertionInfo is what is known of one insertion.
type insertionInfo struct {
	kindKnown bool
	kind      Kind
	label     string
	profile   *Profile
	extended  tristate // extended-length READ BINARY works through this reader
	signCert  tristate // the signing certificate's EF exists
}

// memory is the process-wide store, keyed by reader name; each entry is
// valid only for the Insertion it was learnt on.
var memory = struct {
	sync.Mutex
	byReader map[string]memoryEntry
}{byReader: map[string]memoryEntry{}}

type memoryEntry struct {
	key  Insertion
	info insertionInfo
}

// maxReaders bounds the store; a kiosk has one or two readers.
const maxReaders = 16

func recall(key Insertion) insertionInfo {
	memory.Lock()
	defer memory.Unlock()
	if e, ok := memory.byReader[key.Reader]; ok && e.key == key {
		return e.info
	}
	return insertionInfo{}
}

func remember(key Insertion, f func(*insertionInfo)) {
	memory.Lock()
	defer memory.Unlock()
	e, ok := memory.byReader[key.Reader]
	if !ok || e.key != key {
		if !ok && len(memory.byReader) >= maxReaders {
			clear(memory.byReader)
		}
		e = memoryEntry{key: key}
	}
	f(&e.info)
	memory.byReader[key.Reader] = e
}

// ForgetReader drops what is known of the card in reader; the driver calls
// it when it finds the card gone, and a caller that watches readers may
// call it when a card is removed.
func ForgetReader(reader string) {
	memory.Lock()
	delete(memory.byReader, reader)
	memory.Unlock()
}

// cardMemory is a Card's view of the store: the process-wide entry when
// the connection names its insertion, else the Card's own (so one Card
// still learns across its operations).
type cardMemory struct {
	mu    sync.Mutex
	key   Insertion
	keyed bool
	local insertionInfo
}

func (m *cardMemory) get() insertionInfo {
	if m.keyed {
		return recall(m.key)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.local
}

func (m *cardMemory) learn(f func(*insertionInfo)) {
	if m.keyed {
		remember(m.key, f)
		return
	}
	m.mu.Lock()
	f(&m.local)
	m.mu.Unlock()
}

func (m *cardMemory) forget() {
	if m.keyed {
		memory.Lock()
		if e, ok := memory.byReader[m.key.Reader]; ok && e.key == m.key {
			delete(memory.byReader, m.key.Reader)
		}
		memory.Unlock()
		return
	}
	m.mu.Lock()
	m.local = insertionInfo{}
	m.mu.Unlock()
}
