// Package httpjson writes the JSON answers of the booking service's API and
// of its registration page the same way: UTF-8, never cached (they carry
// session state and, at step 1, a resident's attributes), never sniffed as
// something else by a browser.
package httpjson

import (
	"encoding/json"
	"net/http"
)

// Write sends v as the JSON body of a status answer. HTML escaping is off
// because the texts are Japanese for people and the content type is JSON.
func Write(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
