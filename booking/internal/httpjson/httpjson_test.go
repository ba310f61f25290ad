package httpjson_test

import (
	"net/http/httptest"
	"testing"

	"github.com/mynadesk/mynadesk/booking/internal/httpjson"
)

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	httpjson.Write(rec, 409, map[string]string{"message": "公的 花子 <b>"})
	if rec.Code != 409 {
		t.Errorf("status %d, want 409", rec.Code)
	}
	for k, want := range map[string]string{
		"Content-Type":           "application/json; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if got, want := rec.Body.String(), "{\"message\":\"公的 花子 <b>\"}\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}
