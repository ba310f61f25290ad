package assets

import _ "embed"

// CardReadersSVG is the picture of where the card goes: in a contact
// reader (chip first, chip side up) and on a contactless reader (flat, its
// centre on the mark). The home screen shows it while no card is in.
//
//go:embed pictures/card-readers.svg
var CardReadersSVG []byte

// FyneJA and FyneEN are the texts of Fyne's own dialogs (file open and
// save, confirm, the entry's menu), keyed as fyne.io/fyne/v2/lang keys
// them: FyneJA in the manuals' Japanese, FyneEN to switch back.
var (
	//go:embed fyne/ja.json
	FyneJA []byte
	//go:embed fyne/en.json
	FyneEN []byte
)
