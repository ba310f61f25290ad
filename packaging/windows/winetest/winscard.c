/*
 * Test-only stand-in for Windows's winscard.dll, for the Windows lane under
 * Wine (scripts/test-windows.sh). Never packaged: on Windows the programs
 * use Windows's own WinSCard and Smart Card service.
 *
 * Debian's Wine 8.0 ships a winscard.dll whose functions are stubs
 * (SCardEstablishContext answers SCARD_F_INTERNAL_ERROR), so the Windows
 * programs could not reach a card. This DLL keeps the Windows ABI (32-bit
 * DWORDs, UTF-16 "W" and ANSI "A" strings, the Windows SCARD_READERSTATE,
 * protocol, card-state and IOCTL numbering) and forwards every call over a
 * loopback TCP socket to pcscbridge, a Linux program that makes the same
 * call on pcsc-lite (pcscd). The wire is described in README.md and in
 * pcscbridge/wire.go; both ends must change together.
 *
 * The bridge address comes from MYNADESK_PCSC_BRIDGE (host:port, IPv4),
 * default 127.0.0.1:35990. No bridge is what Windows shows when the Smart
 * Card service is not running: SCARD_E_NO_SERVICE.
 *
 * Connections are pooled: a call takes an idle connection (or opens one),
 * so a blocking SCardGetStatusChange on one thread does not hold up
 * SCardCancel or SCardTransmit on another. Each connection first says which
 * process it belongs to (a session id); when the last connection of a
 * session closes (the process exited), the bridge releases the contexts the
 * process left behind, as the Smart Card service does.
 */
#define WINSCARDDATA
#include <winsock2.h>
#include <windows.h>
#include <winscard.h>
#include <stdint.h>
#include <string.h>

/* The data exports Windows programs pass to SCardTransmit. */
const SCARD_IO_REQUEST g_rgSCardT0Pci = {SCARD_PROTOCOL_T0, sizeof(SCARD_IO_REQUEST)};
const SCARD_IO_REQUEST g_rgSCardT1Pci = {SCARD_PROTOCOL_T1, sizeof(SCARD_IO_REQUEST)};
const SCARD_IO_REQUEST g_rgSCardRawPci = {SCARD_PROTOCOL_RAW, sizeof(SCARD_IO_REQUEST)};

/* Operation numbers: pcscbridge/wire.go has the same list. */
enum {
    OP_HELLO = 0,
    OP_ESTABLISH,
    OP_RELEASE,
    OP_ISVALID,
    OP_CANCEL,
    OP_LISTREADERS,
    OP_LISTGROUPS,
    OP_STATUSCHANGE,
    OP_CONNECT,
    OP_RECONNECT,
    OP_DISCONNECT,
    OP_BEGIN,
    OP_END,
    OP_STATUS,
    OP_TRANSMIT,
    OP_CONTROL,
    OP_GETATTRIB,
    OP_SETATTRIB,
};

/* pcsc-lite's numbering where it differs from Windows's. */
#define LITE_PROTOCOL_RAW 0x0004u
#define LITE_CTL_BASE 0x42000000u

#define MAX_FRAME (1u << 20)
#define POOL_MAX 64

static CRITICAL_SECTION pool_lock;
static SOCKET pool[POOL_MAX];
static int pool_n;
static BOOL wsa_ready;
static uint64_t session_id;
static HANDLE started_event;

/* ---- growing request buffer and bounded reply reader ---- */

struct buf {
    unsigned char *p;
    size_t n, cap;
    BOOL failed;
};

static void put(struct buf *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *p = b->p ? HeapReAlloc(GetProcessHeap(), 0, b->p, cap) : HeapAlloc(GetProcessHeap(), 0, cap);
        if (!p) {
            b->failed = TRUE;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
    unsigned char x[4] = {v, v >> 8, v >> 16, v >> 24};
    put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_blob(struct buf *b, const void *data, uint32_t n)
{
    put_u32(b, n);
    put(b, data, n);
}

static void buf_free(struct buf *b)
{
    if (b->p)
        HeapFree(GetProcessHeap(), 0, b->p);
    b->p = NULL;
}

struct rd {
    const unsigned char *p;
    size_t n;
    BOOL bad;
};

static uint32_t get_u32(struct rd *r)
{
    if (r->bad || r->n < 4) {
        r->bad = TRUE;
        return 0;
    }
    uint32_t v = r->p[0] | r->p[1] << 8 | r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->n -= 4;
    return v;
}

static uint64_t get_u64(struct rd *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

/* get_blob returns a pointer into the reply (valid while it lives). */
static const unsigned char *get_blob(struct rd *r, uint32_t *n)
{
    *n = get_u32(r);
    if (r->bad || r->n < *n) {
        r->bad = TRUE;
        *n = 0;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += *n;
    r->n -= *n;
    return p;
}

/* ---- the connection pool ---- */

static BOOL send_all(SOCKET s, const unsigned char *p, size_t n)
{
    while (n > 0) {
        int k = send(s, (const char *)p, n > 0x10000 ? 0x10000 : (int)n, 0);
        if (k <= 0)
            return FALSE;
        p += k;
        n -= (size_t)k;
    }
    return TRUE;
}

static BOOL recv_all(SOCKET s, unsigned char *p, size_t n)
{
    while (n > 0) {
        int k = recv(s, (char *)p, n > 0x10000 ? 0x10000 : (int)n, 0);
        if (k <= 0)
            return FALSE;
        p += k;
        n -= (size_t)k;
    }
    return TRUE;
}

static BOOL bridge_address(struct sockaddr_in *sa)
{
    char addr[64] = "127.0.0.1:35990";
    DWORD n = GetEnvironmentVariableA("MYNADESK_PCSC_BRIDGE", addr, sizeof(addr));
    if (n >= sizeof(addr))
        return FALSE;
    if (n == 0)
        strcpy(addr, "127.0.0.1:35990");
    char *colon = strrchr(addr, ':');
    if (!colon)
        return FALSE;
    *colon = 0;
    long port = strtol(colon + 1, NULL, 10);
    if (port <= 0 || port > 65535)
        return FALSE;
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((u_short)port);
    sa->sin_addr.s_addr = inet_addr(addr);
    return sa->sin_addr.s_addr != INADDR_NONE;
}

static BOOL frame(SOCKET s, struct buf *req, struct buf *rep);

static SOCKET dial(void)
{
    struct sockaddr_in sa;
    if (!bridge_address(&sa))
        return INVALID_SOCKET;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return s;
    BOOL one = TRUE;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one));
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    struct buf hello = {0}, rep = {0};
    put_u32(&hello, OP_HELLO);
    put_u64(&hello, session_id);
    BOOL ok = frame(s, &hello, &rep);
    buf_free(&hello);
    buf_free(&rep);
    if (!ok) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static SOCKET take(void)
{
    SOCKET s = INVALID_SOCKET;
    EnterCriticalSection(&pool_lock);
    if (!wsa_ready) {
        WSADATA wsa;
        wsa_ready = WSAStartup(MAKEWORD(2, 2), &wsa) == 0;
    }
    if (pool_n > 0)
        s = pool[--pool_n];
    BOOL ready = wsa_ready;
    LeaveCriticalSection(&pool_lock);
    if (s == INVALID_SOCKET && ready)
        s = dial();
    return s;
}

static void give_back(SOCKET s)
{
    EnterCriticalSection(&pool_lock);
    if (pool_n < POOL_MAX) {
        pool[pool_n++] = s;
        s = INVALID_SOCKET;
    }
    LeaveCriticalSection(&pool_lock);
    if (s != INVALID_SOCKET)
        closesocket(s);
}

/* frame sends req (its first 4 bytes are the operation) and reads the
 * reply body into rep. Frames are a 4-byte little-endian length, then the
 * body. */
static BOOL frame(SOCKET s, struct buf *req, struct buf *rep)
{
    if (req->failed)
        return FALSE;
    unsigned char len[4] = {req->n, req->n >> 8, req->n >> 16, req->n >> 24};
    if (!send_all(s, len, 4) || !send_all(s, req->p, req->n) || !recv_all(s, len, 4))
        return FALSE;
    uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | (uint32_t)len[3] << 24;
    if (n < 4 || n > MAX_FRAME)
        return FALSE;
    unsigned char *p = HeapAlloc(GetProcessHeap(), 0, n);
    if (!p)
        return FALSE;
    if (!recv_all(s, p, n)) {
        HeapFree(GetProcessHeap(), 0, p);
        return FALSE;
    }
    buf_free(rep);
    rep->p = p;
    rep->n = rep->cap = n;
    return TRUE;
}

/* call makes one request; on return *r reads the reply after the result
 * code, which it returns. rep must be freed by the caller. */
static LONG call(struct buf *req, struct buf *rep, struct rd *r)
{
    memset(rep, 0, sizeof(*rep));
    memset(r, 0, sizeof(*r));
    r->bad = TRUE;
    SOCKET s = take();
    if (s == INVALID_SOCKET)
        return SCARD_E_NO_SERVICE;
    if (!frame(s, req, rep)) {
        closesocket(s);
        return SCARD_E_NO_SERVICE;
    }
    give_back(s);
    r->p = rep->p;
    r->n = rep->n;
    r->bad = FALSE;
    return (LONG)get_u32(r);
}

/* simple makes a call whose reply is the result code alone. */
static LONG simple(struct buf *req)
{
    struct buf rep;
    struct rd r;
    LONG rc = call(req, &rep, &r);
    buf_free(req);
    buf_free(&rep);
    return rc;
}

/* ---- numbering ---- */

static uint32_t proto_to_lite(DWORD p)
{
    uint32_t out = p & (SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1);
    if (p & SCARD_PROTOCOL_RAW)
        out |= LITE_PROTOCOL_RAW;
    if (p & SCARD_PROTOCOL_DEFAULT)
        out |= SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
    return out;
}

static DWORD proto_from_lite(uint32_t p)
{
    DWORD out = p & (SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1);
    if (p & LITE_PROTOCOL_RAW)
        out |= SCARD_PROTOCOL_RAW;
    return out;
}

/* pcsc-lite reports the card state of SCardStatus as bits (0x01 unknown …
 * 0x40 specific); Windows as one number (0 unknown … 6 specific): the
 * highest bit set. */
static DWORD state_from_lite(uint32_t s)
{
    DWORD w = SCARD_UNKNOWN;
    for (DWORD i = 0; i < 7; i++)
        if (s & (1u << i))
            w = i;
    return w;
}

/* SCARD_CTL_CODE(n) is 0x310000 | n<<2 on Windows, 0x42000000 + n in
 * pcsc-lite. */
static uint32_t ioctl_to_lite(DWORD code)
{
    if ((code & 0xFFFF0003u) == 0x00310000u)
        return LITE_CTL_BASE + ((code >> 2) & 0x3FFFu);
    return code;
}

/* ---- strings ---- */

/* utf8_of converts a NUL-terminated W (wide) or A (ANSI) string to UTF-8 in
 * a heap buffer; *n gets its length without the NUL. */
static char *utf8_of(const void *s, BOOL wide, uint32_t *n)
{
    const WCHAR *w = s;
    WCHAR *tmp = NULL;
    if (!wide) {
        int k = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
        if (k <= 0)
            return NULL;
        tmp = HeapAlloc(GetProcessHeap(), 0, k * sizeof(WCHAR));
        if (!tmp)
            return NULL;
        MultiByteToWideChar(CP_ACP, 0, s, -1, tmp, k);
        w = tmp;
    }
    char *out = NULL;
    int k = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (k > 0 && (out = HeapAlloc(GetProcessHeap(), 0, k)) != NULL) {
        WideCharToMultiByte(CP_UTF8, 0, w, -1, out, k, NULL, NULL);
        *n = (uint32_t)k - 1;
    }
    if (tmp)
        HeapFree(GetProcessHeap(), 0, tmp);
    return out;
}

static BOOL put_str(struct buf *b, const void *s, BOOL wide)
{
    uint32_t n = 0;
    char *u = utf8_of(s, wide, &n);
    if (!u)
        return FALSE;
    put_blob(b, u, n);
    HeapFree(GetProcessHeap(), 0, u);
    return TRUE;
}

/* put_multi sends a multi-string (NUL-separated, ending in an empty
 * string) as a count and UTF-8 strings. */
static BOOL put_multi(struct buf *b, const void *m, BOOL wide)
{
    uint32_t count = 0;
    if (wide) {
        for (const WCHAR *p = m; *p; p += lstrlenW(p) + 1)
            count++;
    } else {
        for (const char *p = m; *p; p += lstrlenA(p) + 1)
            count++;
    }
    put_u32(b, count);
    if (wide) {
        for (const WCHAR *p = m; *p; p += lstrlenW(p) + 1)
            if (!put_str(b, p, TRUE))
                return FALSE;
    } else {
        for (const char *p = m; *p; p += lstrlenA(p) + 1)
            if (!put_str(b, p, FALSE))
                return FALSE;
    }
    return TRUE;
}

/* get_multi reads a count and UTF-8 strings from the reply and builds the
 * multi-string in W or A form in a heap buffer; *units gets its length in
 * characters, both terminators included. */
static void *get_multi(struct rd *r, BOOL wide, DWORD *units)
{
    uint32_t count = get_u32(r);
    size_t cap = 1;
    struct rd save = *r;
    for (uint32_t i = 0; i < count && !r->bad; i++) {
        uint32_t n;
        get_blob(r, &n);
        cap += (size_t)n + 1; /* a UTF-8 byte is at most one UTF-16 unit */
    }
    if (r->bad)
        return NULL;
    *r = save;
    size_t unit = wide ? sizeof(WCHAR) : 1;
    if (!wide)
        cap *= 2; /* a character may take two bytes in the ANSI code page */
    unsigned char *out = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, cap * unit + unit);
    if (!out)
        return NULL;
    size_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n;
        const unsigned char *s = get_blob(r, &n);
        int k = MultiByteToWideChar(CP_UTF8, 0, (const char *)s, (int)n, NULL, 0);
        if (n > 0 && k <= 0)
            continue;
        WCHAR *w = HeapAlloc(GetProcessHeap(), 0, (k + 1) * sizeof(WCHAR));
        if (!w)
            continue;
        MultiByteToWideChar(CP_UTF8, 0, (const char *)s, (int)n, w, k);
        if (wide) {
            memcpy(out + at * unit, w, k * sizeof(WCHAR));
            at += (size_t)k + 1;
        } else {
            int a = WideCharToMultiByte(CP_ACP, 0, w, k, (char *)out + at, (int)(cap - at), NULL, NULL);
            at += (size_t)a + 1;
        }
        HeapFree(GetProcessHeap(), 0, w);
    }
    if (at == 0)
        at = 1; /* an empty list is one terminator more */
    *units = (DWORD)at + 1;
    return out;
}

/* deliver hands data (units elements of size unit) to a caller's buffer the
 * Windows way: a NULL buffer asks for the length, SCARD_AUTOALLOCATE makes
 * the DLL allocate (freed by SCardFreeMemory), a short buffer gets
 * SCARD_E_INSUFFICIENT_BUFFER. It takes ownership of a heap-allocated data
 * when owned is set. */
static LONG deliver(void *out, DWORD *len, const void *data, DWORD units, size_t unit, BOOL owned)
{
    LONG rc = SCARD_S_SUCCESS;
    if (!len) {
        rc = SCARD_E_INVALID_PARAMETER;
    } else if (*len == SCARD_AUTOALLOCATE) {
        if (!out) {
            rc = SCARD_E_INVALID_PARAMETER;
        } else {
            void *p = HeapAlloc(GetProcessHeap(), 0, units * unit + 1);
            if (!p) {
                rc = SCARD_E_NO_MEMORY;
            } else {
                memcpy(p, data, units * unit);
                *(void **)out = p;
                *len = units;
            }
        }
    } else if (!out) {
        *len = units;
    } else if (*len < units) {
        *len = units;
        rc = SCARD_E_INSUFFICIENT_BUFFER;
    } else {
        memcpy(out, data, units * unit);
        *len = units;
    }
    if (owned)
        HeapFree(GetProcessHeap(), 0, (void *)data);
    return rc;
}

/* ---- context ---- */

LONG WINAPI SCardEstablishContext(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx)
{
    (void)r1;
    (void)r2;
    if (!ctx)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_ESTABLISH);
    put_u32(&req, scope);
    LONG rc = call(&req, &rep, &r);
    uint64_t c = get_u64(&r);
    if (rc == SCARD_S_SUCCESS)
        *ctx = r.bad ? 0 : (SCARDCONTEXT)c;
    if (rc == SCARD_S_SUCCESS && r.bad)
        rc = SCARD_F_COMM_ERROR;
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

static LONG ctx_op(uint32_t op, uint64_t h)
{
    struct buf req = {0};
    put_u32(&req, op);
    put_u64(&req, h);
    return simple(&req);
}

LONG WINAPI SCardReleaseContext(SCARDCONTEXT ctx) { return ctx_op(OP_RELEASE, ctx); }
LONG WINAPI SCardIsValidContext(SCARDCONTEXT ctx) { return ctx_op(OP_ISVALID, ctx); }
LONG WINAPI SCardCancel(SCARDCONTEXT ctx) { return ctx_op(OP_CANCEL, ctx); }

/* call_multi sends req and delivers the answer's multi-string (readers,
 * groups) to the caller's buffer the way WinSCard does; it frees req. */
static LONG call_multi(struct buf *req, void *out, DWORD *len, BOOL wide)
{
    struct buf rep;
    struct rd r;
    LONG rc = call(req, &rep, &r);
    if (rc == SCARD_S_SUCCESS) {
        DWORD units = 0;
        void *m = get_multi(&r, wide, &units);
        rc = m ? deliver(out, len, m, units, wide ? sizeof(WCHAR) : 1, TRUE) : SCARD_F_COMM_ERROR;
    }
    buf_free(req);
    buf_free(&rep);
    return rc;
}

static LONG list_readers(SCARDCONTEXT ctx, const void *groups, void *out, DWORD *len, BOOL wide)
{
    struct buf req = {0};
    put_u32(&req, OP_LISTREADERS);
    put_u64(&req, ctx);
    put_u32(&req, groups != NULL);
    if (groups && !put_multi(&req, groups, wide)) {
        buf_free(&req);
        return SCARD_E_INVALID_PARAMETER;
    }
    if (!groups)
        put_u32(&req, 0);
    return call_multi(&req, out, len, wide);
}

LONG WINAPI SCardListReadersW(SCARDCONTEXT ctx, LPCWSTR groups, LPWSTR readers, LPDWORD len)
{
    return list_readers(ctx, groups, readers, len, TRUE);
}

LONG WINAPI SCardListReadersA(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len)
{
    return list_readers(ctx, groups, readers, len, FALSE);
}

static LONG list_groups(SCARDCONTEXT ctx, void *out, DWORD *len, BOOL wide)
{
    struct buf req = {0};
    put_u32(&req, OP_LISTGROUPS);
    put_u64(&req, ctx);
    return call_multi(&req, out, len, wide);
}

LONG WINAPI SCardListReaderGroupsW(SCARDCONTEXT ctx, LPWSTR groups, LPDWORD len)
{
    return list_groups(ctx, groups, len, TRUE);
}

LONG WINAPI SCardListReaderGroupsA(SCARDCONTEXT ctx, LPSTR groups, LPDWORD len)
{
    return list_groups(ctx, groups, len, FALSE);
}

/* SCARD_READERSTATEA and W differ only in the type of szReader. */
static LONG status_change(SCARDCONTEXT ctx, DWORD timeout, SCARD_READERSTATEW *rs, DWORD n, BOOL wide)
{
    if (n > 0 && !rs)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_STATUSCHANGE);
    put_u64(&req, ctx);
    put_u32(&req, timeout);
    put_u32(&req, n);
    for (DWORD i = 0; i < n; i++) {
        if (!rs[i].szReader || !put_str(&req, rs[i].szReader, wide)) {
            buf_free(&req);
            return SCARD_E_INVALID_PARAMETER;
        }
        put_u32(&req, rs[i].dwCurrentState);
        put_blob(&req, rs[i].rgbAtr, rs[i].cbAtr > 36 ? 36 : rs[i].cbAtr);
    }
    LONG rc = call(&req, &rep, &r);
    /* pcsc-lite fills the states on success and on timeout. */
    if (!r.bad && (rc == SCARD_S_SUCCESS || rc == (LONG)SCARD_E_TIMEOUT)) {
        for (DWORD i = 0; i < n && !r.bad; i++) {
            uint32_t ev = get_u32(&r), k;
            const unsigned char *atr = get_blob(&r, &k);
            if (r.bad)
                break;
            rs[i].dwEventState = ev;
            if (k > 36)
                k = 36;
            rs[i].cbAtr = k;
            memcpy(rs[i].rgbAtr, atr, k);
        }
        if (r.bad)
            rc = SCARD_F_COMM_ERROR;
    }
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardGetStatusChangeW(SCARDCONTEXT ctx, DWORD timeout, LPSCARD_READERSTATEW rs, DWORD n)
{
    return status_change(ctx, timeout, rs, n, TRUE);
}

LONG WINAPI SCardGetStatusChangeA(SCARDCONTEXT ctx, DWORD timeout, LPSCARD_READERSTATEA rs, DWORD n)
{
    return status_change(ctx, timeout, (SCARD_READERSTATEW *)rs, n, FALSE);
}

/* ---- card ---- */

static LONG connect_card(SCARDCONTEXT ctx, const void *reader, DWORD share, DWORD protos, LPSCARDHANDLE card,
                         LPDWORD active, BOOL wide)
{
    if (!reader || !card)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_CONNECT);
    put_u64(&req, ctx);
    if (!put_str(&req, reader, wide)) {
        buf_free(&req);
        return SCARD_E_INVALID_PARAMETER;
    }
    put_u32(&req, share);
    put_u32(&req, proto_to_lite(protos));
    LONG rc = call(&req, &rep, &r);
    uint64_t h = get_u64(&r);
    uint32_t p = get_u32(&r);
    if (rc == SCARD_S_SUCCESS) {
        if (r.bad) {
            rc = SCARD_F_COMM_ERROR;
        } else {
            *card = (SCARDHANDLE)h;
            if (active)
                *active = proto_from_lite(p);
        }
    }
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardConnectW(SCARDCONTEXT ctx, LPCWSTR reader, DWORD share, DWORD protos, LPSCARDHANDLE card,
                          LPDWORD active)
{
    return connect_card(ctx, reader, share, protos, card, active, TRUE);
}

LONG WINAPI SCardConnectA(SCARDCONTEXT ctx, LPCSTR reader, DWORD share, DWORD protos, LPSCARDHANDLE card,
                          LPDWORD active)
{
    return connect_card(ctx, reader, share, protos, card, active, FALSE);
}

LONG WINAPI SCardReconnect(SCARDHANDLE card, DWORD share, DWORD protos, DWORD init, LPDWORD active)
{
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_RECONNECT);
    put_u64(&req, card);
    put_u32(&req, share);
    put_u32(&req, proto_to_lite(protos));
    put_u32(&req, init);
    LONG rc = call(&req, &rep, &r);
    uint32_t p = get_u32(&r);
    if (rc == SCARD_S_SUCCESS && r.bad)
        rc = SCARD_F_COMM_ERROR;
    if (rc == SCARD_S_SUCCESS && active)
        *active = proto_from_lite(p);
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

static LONG card_disp(uint32_t op, SCARDHANDLE card, DWORD disp)
{
    struct buf req = {0};
    put_u32(&req, op);
    put_u64(&req, card);
    put_u32(&req, disp);
    return simple(&req);
}

LONG WINAPI SCardDisconnect(SCARDHANDLE card, DWORD disp) { return card_disp(OP_DISCONNECT, card, disp); }
LONG WINAPI SCardBeginTransaction(SCARDHANDLE card) { return ctx_op(OP_BEGIN, card); }
LONG WINAPI SCardEndTransaction(SCARDHANDLE card, DWORD disp) { return card_disp(OP_END, card, disp); }

static LONG card_status(SCARDHANDLE card, void *names, LPDWORD names_len, LPDWORD state, LPDWORD proto,
                        LPBYTE atr, LPDWORD atr_len, BOOL wide)
{
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_STATUS);
    put_u64(&req, card);
    LONG rc = call(&req, &rep, &r);
    if (rc == SCARD_S_SUCCESS) {
        DWORD units = 0;
        void *m = get_multi(&r, wide, &units);
        uint32_t st = get_u32(&r), pr = get_u32(&r), k;
        const unsigned char *a = get_blob(&r, &k);
        if (!m || r.bad) {
            if (m)
                HeapFree(GetProcessHeap(), 0, m);
            rc = SCARD_F_COMM_ERROR;
        } else {
            if (state)
                *state = state_from_lite(st);
            if (proto)
                *proto = proto_from_lite(pr);
            if (names_len)
                rc = deliver(names, names_len, m, units, wide ? sizeof(WCHAR) : 1, TRUE);
            else
                HeapFree(GetProcessHeap(), 0, m);
            if (atr_len) {
                LONG rc2 = deliver(atr, atr_len, a, k, 1, FALSE);
                if (rc == SCARD_S_SUCCESS)
                    rc = rc2;
            }
        }
    }
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardStatusW(SCARDHANDLE card, LPWSTR names, LPDWORD names_len, LPDWORD state, LPDWORD proto,
                         LPBYTE atr, LPDWORD atr_len)
{
    return card_status(card, names, names_len, state, proto, atr, atr_len, TRUE);
}

LONG WINAPI SCardStatusA(SCARDHANDLE card, LPSTR names, LPDWORD names_len, LPDWORD state, LPDWORD proto,
                         LPBYTE atr, LPDWORD atr_len)
{
    return card_status(card, names, names_len, state, proto, atr, atr_len, FALSE);
}

LONG WINAPI SCardTransmit(SCARDHANDLE card, LPCSCARD_IO_REQUEST send_pci, LPCBYTE send, DWORD send_len,
                          LPSCARD_IO_REQUEST recv_pci, LPBYTE recv, LPDWORD recv_len)
{
    if (!send_pci || !send || !recv || !recv_len)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_TRANSMIT);
    put_u64(&req, card);
    put_u32(&req, proto_to_lite(send_pci->dwProtocol));
    put_blob(&req, send, send_len);
    put_u32(&req, *recv_len);
    LONG rc = call(&req, &rep, &r);
    uint32_t k;
    const unsigned char *data = get_blob(&r, &k);
    if (!r.bad && (rc == SCARD_S_SUCCESS || rc == (LONG)SCARD_E_INSUFFICIENT_BUFFER)) {
        if (rc == SCARD_S_SUCCESS && k <= *recv_len)
            memcpy(recv, data, k);
        *recv_len = k;
        if (recv_pci) {
            recv_pci->dwProtocol = send_pci->dwProtocol;
            recv_pci->cbPciLength = sizeof(SCARD_IO_REQUEST);
        }
    } else if (rc == SCARD_S_SUCCESS) {
        rc = SCARD_F_COMM_ERROR;
    }
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardControl(SCARDHANDLE card, DWORD code, LPCVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                         LPDWORD returned)
{
    if (!returned)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_CONTROL);
    put_u64(&req, card);
    put_u32(&req, ioctl_to_lite(code));
    put_blob(&req, in, in ? in_len : 0);
    put_u32(&req, out ? out_len : 0);
    LONG rc = call(&req, &rep, &r);
    uint32_t k;
    const unsigned char *data = get_blob(&r, &k);
    if (rc == SCARD_S_SUCCESS) {
        if (r.bad || k > out_len) {
            rc = SCARD_F_COMM_ERROR;
        } else {
            if (k)
                memcpy(out, data, k);
            *returned = k;
        }
    }
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardGetAttrib(SCARDHANDLE card, DWORD id, LPBYTE attr, LPDWORD attr_len)
{
    if (!attr_len)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0}, rep;
    struct rd r;
    put_u32(&req, OP_GETATTRIB);
    put_u64(&req, card);
    put_u32(&req, id);
    LONG rc = call(&req, &rep, &r);
    uint32_t k;
    const unsigned char *data = get_blob(&r, &k);
    if (rc == SCARD_S_SUCCESS)
        rc = r.bad ? SCARD_F_COMM_ERROR : deliver(attr, attr_len, data, k, 1, FALSE);
    buf_free(&req);
    buf_free(&rep);
    return rc;
}

LONG WINAPI SCardSetAttrib(SCARDHANDLE card, DWORD id, LPCBYTE attr, DWORD attr_len)
{
    if (!attr)
        return SCARD_E_INVALID_PARAMETER;
    struct buf req = {0};
    put_u32(&req, OP_SETATTRIB);
    put_u64(&req, card);
    put_u32(&req, id);
    put_blob(&req, attr, attr_len);
    return simple(&req);
}

LONG WINAPI SCardFreeMemory(SCARDCONTEXT ctx, LPCVOID mem)
{
    (void)ctx;
    if (mem)
        HeapFree(GetProcessHeap(), 0, (LPVOID)mem);
    return SCARD_S_SUCCESS;
}

/* Windows programs may wait on this event before their first call; the
 * "service" is whatever the bridge is, so it is always set. */
HANDLE WINAPI SCardAccessStartedEvent(void)
{
    return started_event;
}

void WINAPI SCardReleaseStartedEvent(void) {}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        InitializeCriticalSection(&pool_lock);
        /* One id per process: the bridge releases its contexts when the
         * process's connections are gone. */
        LARGE_INTEGER t;
        QueryPerformanceCounter(&t);
        session_id = (uint64_t)GetCurrentProcessId() << 32 ^ (uint64_t)t.QuadPart ^ GetTickCount64();
        started_event = CreateEventW(NULL, TRUE, TRUE, NULL);
    }
    return TRUE;
}
