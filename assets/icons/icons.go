// Package icons holds the mynadesk app icon: the SVG source, the rendered
// PNG sizes, the Windows .ico and the macOS .icns (made by
// packaging/icons.sh), and the 256 px PNG embedded for the window icon.
package icons

import _ "embed"

// AppPNG is the 256×256 app icon, for the window and the taskbar
// (fyne.NewStaticResource("mynadesk.png", icons.AppPNG)).
//
//go:embed png/mynadesk-256.png
var AppPNG []byte
